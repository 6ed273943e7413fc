using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CustomerStudio.Benchmarks.Imports;

/// <summary>What the generator planted in the file: the counts an import must reproduce.</summary>
public sealed record ImportsManifest
{
    public int Version { get; init; }
    public int Seed { get; init; }
    public int Rows { get; init; }
    public long Bytes { get; init; }
    /// <summary>Rows of customers not seen before in the file: each must create one customer.</summary>
    public int NewCustomers { get; init; }
    /// <summary>Valid rows sharing a phone and/or e-mail (and maybe the member number) with an earlier row: each must merge.</summary>
    public int Duplicates { get; init; }
    /// <summary>Duplicates whose first row is in the same 5,000-row batch (merged in memory) rather than an earlier one (found in the database).</summary>
    public int DuplicatesSameBatch { get; init; }
    /// <summary>Rows with exactly one bad cell: each must be rejected with one line in the report.</summary>
    public int BadRows { get; init; }
    public int BadPhones { get; init; }
    public int BadEmails { get; init; }
    public int BadDates { get; init; }
    public int BadProvinces { get; init; }
    /// <summary>Identities (phone, e-mail, member number) the created customers carry.</summary>
    public int Identities { get; init; }
    public double GenerateSeconds { get; init; }
}

/// <summary>
/// The 1M-row customer file of issue #5, deterministic from <see cref="Seed"/>: a UTF-8 CSV (with BOM, CRLF, as Excel
/// writes it) under a Chinese header, with phones in a dozen formats, e-mails in mixed case with stray spaces,
/// provinces short / full / in English, genders 男/女/M/F/1/0, birthdays in seven formats; about 2 % rows with one bad
/// cell and 5 % duplicates of an earlier row written differently. Cached with its manifest next to it.
/// </summary>
public sealed class ImportsDataGenerator(string path, int rows, bool regenerate)
{
    public const int Seed = 20261125;
    /// <summary>Bump when the generated data changes, so cached files are regenerated.</summary>
    public const int Version = 2;
    public const double BadRate = 0.02;
    public const double DuplicateRate = 0.05;
    private const int Batch = 5_000;

    public string ManifestPath => Path.ChangeExtension(path, ".json");

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public async Task<ImportsManifest> EnsureAsync(CancellationToken ct)
    {
        if (!regenerate && File.Exists(path) && File.Exists(ManifestPath))
        {
            var cached = JsonSerializer.Deserialize<ImportsManifest>(await File.ReadAllTextAsync(ManifestPath, ct));
            if (cached is not null && cached.Version == Version && cached.Seed == Seed && cached.Rows == rows && new FileInfo(path).Length == cached.Bytes)
            {
                Console.WriteLine($"==> Reusing {path} ({cached.Rows:N0} rows, {cached.Bytes / 1048576.0:0.0} MB)");
                return cached;
            }
        }
        Console.WriteLine($"==> Generating {rows:N0} customer rows into {path}");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stopwatch = Stopwatch.StartNew();
        var temp = path + ".tmp";
        var manifest = await Task.Run(() => Generate(temp, ct), ct);
        File.Move(temp, path, overwrite: true);
        manifest = manifest with { Bytes = new FileInfo(path).Length, GenerateSeconds = Math.Round(stopwatch.Elapsed.TotalSeconds, 1) };
        await File.WriteAllTextAsync(ManifestPath, JsonSerializer.Serialize(manifest, Json), ct);
        Console.WriteLine($"    {manifest.NewCustomers:N0} new, {manifest.Duplicates:N0} duplicates, {manifest.BadRows:N0} bad rows; {manifest.Bytes / 1048576.0:0.0} MB in {manifest.GenerateSeconds:0.0} s");
        return manifest;
    }

    /// <summary>A customer of the file: what a later duplicate row may repeat.</summary>
    private readonly record struct Known(int Serial, string Name, bool HasPhone, string? Email, bool HasMember, int Row);

    private ImportsManifest Generate(string file, CancellationToken ct)
    {
        var rng = new Random(Seed);
        var customers = new List<Known>(rows);
        var provinceWeights = ImportsData.Provinces.Select(p => p.Weight).ToArray();
        var provinceTotal = provinceWeights.Sum();
        int created = 0, duplicates = 0, sameBatch = 0, badPhones = 0, badEmails = 0, badDates = 0, badProvinces = 0, identities = 0;
        var serial = 0;
        var cells = new string[ImportsData.Header.Length];

        using var writer = new StreamWriter(file, false, new UTF8Encoding(true), 1 << 16) { NewLine = "\r\n" };
        writer.WriteLine(string.Join(',', ImportsData.Header));
        for (var r = 0; r < rows; r++)
        {
            if ((r & 0xFFFF) == 0) ct.ThrowIfCancellationRequested();
            Array.Fill(cells, "");
            var u = rng.NextDouble();
            if (u < DuplicateRate && customers.Count > 0)
            {
                // A recent customer (often in the same batch) or any earlier one, written again differently.
                var c = rng.NextDouble() < 0.5
                    ? customers[customers.Count - 1 - rng.Next(Math.Min(customers.Count, 3_000))]
                    : customers[rng.Next(customers.Count)];
                duplicates++;
                if (c.Row / Batch == r / Batch) sameBatch++;
                var share = !c.HasPhone ? 1 : c.Email is null ? 0 : Pick(rng, 0.45, 0.30, 0.25); // 0 phone, 1 e-mail, 2 both
                if (share is 0 or 2) cells[ImportsData.Phone] = PhoneText(rng, c.Serial);
                if (share is 1 or 2) cells[ImportsData.Email] = EmailAgain(rng, c.Email!);
                if (c.HasMember && rng.NextDouble() < 0.5) cells[ImportsData.Member] = MemberText(c.Serial);
                if (rng.NextDouble() < 0.8) cells[ImportsData.Name] = c.Name;
                FillProfile(rng, cells, provinceWeights, provinceTotal);
            }
            else
            {
                var s = ++serial;
                var (name, pinyin) = NameOf(rng);
                var hasPhone = rng.NextDouble() < 0.97;
                var email = !hasPhone || rng.NextDouble() < 0.85 ? EmailOf(rng, pinyin, s) : null;
                var hasMember = rng.NextDouble() < 0.7;
                cells[ImportsData.Name] = rng.NextDouble() < 0.05 ? " " + name + " " : name;
                if (hasPhone) cells[ImportsData.Phone] = PhoneText(rng, s);
                if (email is not null) cells[ImportsData.Email] = EmailFirst(rng, email);
                if (hasMember) cells[ImportsData.Member] = MemberText(s);
                FillProfile(rng, cells, provinceWeights, provinceTotal);
                if (u < DuplicateRate + BadRate)
                {
                    // One bad cell; the rest of the row is valid (and never seen again).
                    switch (Pick(rng, 0.35, 0.30, 0.20, 0.15))
                    {
                        case 0: cells[ImportsData.Phone] = BadPhone(rng, s); badPhones++; break;
                        case 1: cells[ImportsData.Email] = BadEmail(rng, pinyin, s); badEmails++; break;
                        case 2: cells[ImportsData.Birth] = BadDates[rng.Next(BadDates.Length)]; badDates++; break;
                        default: cells[ImportsData.Province] = BadProvinces[rng.Next(BadProvinces.Length)]; badProvinces++; break;
                    }
                }
                else
                {
                    created++;
                    identities += (hasPhone ? 1 : 0) + (email is null ? 0 : 1) + (hasMember ? 1 : 0);
                    customers.Add(new Known(s, name, hasPhone, email, hasMember, r));
                }
            }
            foreach (var cell in cells)
                if (cell.AsSpan().IndexOfAny(",\"\r\n") >= 0) throw new InvalidOperationException($"Cell needs quoting: {cell}");
            writer.WriteLine(string.Join(',', cells));
        }
        return new ImportsManifest
        {
            Version = Version, Seed = Seed, Rows = rows, NewCustomers = created, Duplicates = duplicates, DuplicatesSameBatch = sameBatch,
            BadRows = badPhones + badEmails + badDates + badProvinces, BadPhones = badPhones, BadEmails = badEmails, BadDates = badDates,
            BadProvinces = badProvinces, Identities = identities,
        };
    }

    private static int Pick(Random rng, params double[] weights)
    {
        var x = rng.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
            if ((x -= weights[i]) < 0) return i;
        return weights.Length - 1;
    }

    private static (string Name, string Pinyin) NameOf(Random rng)
    {
        var surname = ImportsData.Surnames[rng.Next(ImportsData.Surnames.Length)];
        var g1 = ImportsData.Given[rng.Next(ImportsData.Given.Length)];
        if (rng.NextDouble() < 0.35) return (surname.Zh + g1.Zh, surname.Pinyin + g1.Pinyin);
        var g2 = ImportsData.Given[rng.Next(ImportsData.Given.Length)];
        return (surname.Zh + g1.Zh + g2.Zh, surname.Pinyin + g1.Pinyin + g2.Pinyin);
    }

    /// <summary>The 11-digit mobile of a serial: prefix by serial mod 10, the 8 digits a bijection of the rest (a golden-ratio step modulo 10^8, coprime to it: distinct serials, distinct and well-spread numbers).</summary>
    public static string MobileOf(int serial)
    {
        var prefix = ImportsData.MobilePrefixes[serial % 10];
        var rest = (int)(((long)(serial / 10) * 61_803_399 + 12_345_678) % 100_000_000);
        return prefix + rest.ToString("D8", CultureInfo.InvariantCulture);
    }

    private static string PhoneText(Random rng, int serial)
    {
        var d = MobileOf(serial);
        string Spaced(char sep) => $"{d[..3]}{sep}{d[3..7]}{sep}{d[7..]}";
        return Pick(rng, 30, 12, 10, 10, 8, 6, 6, 6, 4, 4, 3, 1) switch
        {
            0 => d,
            1 => Spaced(' '),
            2 => Spaced('-'),
            3 => "+86 " + Spaced(' '),
            4 => "+86" + d,
            5 => "0086 " + d,
            6 => "0086" + d,
            7 => "(+86) " + Spaced('-'),
            8 => "86-" + d,
            9 => " " + d + " ",
            10 => "+86-" + Spaced('-'),
            _ => new string(d.Select(ch => (char)('０' + (ch - '0'))).ToArray()), // full-width digits from a Chinese IME
        };
    }

    private static string EmailOf(Random rng, string pinyin, int serial) =>
        pinyin + "." + serial.ToString(CultureInfo.InvariantCulture) + "@" + ImportsData.EmailDomains[rng.Next(ImportsData.EmailDomains.Length)];

    private static string Capitalized(string email) => char.ToUpperInvariant(email[0]) + email[1..];

    private static string UpperDomain(string email)
    {
        var at = email.IndexOf('@');
        return email[..(at + 1)] + email[(at + 1)..].ToUpperInvariant();
    }

    private static string EmailFirst(Random rng, string email) => Pick(rng, 70, 15, 10, 5) switch
    {
        0 => email,
        1 => Capitalized(email),
        2 => UpperDomain(email),
        _ => "  " + email + " ",
    };

    private static string EmailAgain(Random rng, string email) => Pick(rng, 40, 30, 30) switch
    {
        0 => email.ToUpperInvariant(),
        1 => Capitalized(UpperDomain(email)),
        _ => " " + Capitalized(email) + "  ",
    };

    private static string MemberText(int serial) => "M" + serial.ToString("D8", CultureInfo.InvariantCulture);

    private static readonly string[] BadPhoneTexts = ["12345", "电话待补", "000-0000", "13412", "110", "10086", "1234567", "400-800", "无"];

    private static string BadPhone(Random rng, int serial) =>
        rng.NextDouble() < 0.3 ? MobileOf(serial)[..10] : BadPhoneTexts[rng.Next(BadPhoneTexts.Length)];

    private static string BadEmail(Random rng, string pinyin, int serial)
    {
        var local = pinyin + "." + serial.ToString(CultureInfo.InvariantCulture);
        var domain = ImportsData.EmailDomains[rng.Next(ImportsData.EmailDomains.Length)];
        return rng.Next(5) switch
        {
            0 => local + domain,                                   // the @ forgotten
            1 => local[..2] + " " + local[2..] + "@" + domain,     // a space inside
            2 => local + "@" + domain[..domain.IndexOf('.')],      // no top-level domain
            3 => local + "@@" + domain,
            _ => local + "@" + domain.Replace(".", "..", StringComparison.Ordinal),
        };
    }

    private static readonly string[] BadDates = ["1990-13-45", "1990-02-30", "不详", "19xx-01-01", "1850-01-01", "32/13/1990", "0000-00-00"];
    private static readonly string[] BadProvinces = ["火星", "东京都", "加州", "北京州", "Mars"];
    private static readonly string[] Genders = ["男", "女", "M", "F", "1", "0", "male", "female", "先生", "女士", ""];
    private static readonly double[] GenderWeights = [30, 30, 8, 8, 5, 5, 2, 2, 2, 2, 6];

    private static void FillProfile(Random rng, string[] cells, double[] provinceWeights, double provinceTotal)
    {
        cells[ImportsData.Gender] = Genders[Pick(rng, GenderWeights)];
        if (rng.NextDouble() < 0.88)
        {
            var birth = new DateOnly(1955, 1, 1).AddDays(rng.Next(365 * 51));
            cells[ImportsData.Birth] = Pick(rng, 35, 15, 10, 15, 5, 10, 10) switch
            {
                0 => birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                1 => birth.ToString("yyyy/M/d", CultureInfo.InvariantCulture),
                2 => birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture),
                3 => birth.ToString("yyyy年M月d日", CultureInfo.InvariantCulture),
                4 => birth.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture),
                5 => birth.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
                _ => birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + " 00:00:00",
            };
        }
        if (rng.NextDouble() < 0.95)
        {
            var x = rng.NextDouble() * provinceTotal;
            var p = 0;
            while (p < provinceWeights.Length - 1 && (x -= provinceWeights[p]) >= 0) p++;
            var province = ImportsData.Provinces[p];
            cells[ImportsData.Province] = Pick(rng, 45, 40, 5, 5, 5) switch
            {
                0 => province.Short,
                1 => province.Full,
                2 => province.Latin,
                3 => province.Latin.ToUpperInvariant(),
                _ => " " + province.Full + " ",
            };
            if (rng.NextDouble() < 0.9)
            {
                var city = province.Cities[rng.Next(province.Cities.Length)];
                cells[ImportsData.City] = rng.NextDouble() < 0.5 ? city + "市" : city;
            }
        }
    }
}
