using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Workspace;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>What the data file holds, as recorded in its <c>bench_meta</c> table.</summary>
public sealed record GeneratedData(
    int Customers, int Events, int EventProperties, int Orders, int TagAssignments, DateTime Now,
    double GenerationSeconds, long FileBytes, bool Reused);

/// <summary>
/// A deterministic 1M-customer workspace in a SQLite file migrated by the product (so schema and indexes are the
/// product's): weighted provinces (华东 ≈ 30 %), Pareto-like activity, 18 months of events with page paths,
/// skewed orders, and a <c>purchased</c> tag on every customer with an order (≈ 40 %).
/// Rows go in through the demo seeder's <see cref="ModelBulkInsert"/>; secondary indexes of the big tables are
/// dropped for the load and re-created afterwards from the product's own CREATE INDEX text.
/// </summary>
public sealed class ConditionsDataGenerator(ConditionsOptions options)
{
    /// <summary>Bump when the generated data changes, so older files are regenerated.</summary>
    public const string Version = "3";
    public const int Seed = 20261124;
    /// <summary>"Now" of the data and of every condition evaluated on it: 2026-11-20 12:00 in Shanghai.</summary>
    public static readonly DateTime DataNow = new(2026, 11, 20, 4, 0, 0, DateTimeKind.Utc);

    private const int Chunk = 250_000;
    private static readonly string[] BigTables = ["Customers", "Events", "EventProperties", "Orders", "TagAssignments"];

    public static string ConnectionString(string path) =>
        new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = true, DefaultTimeout = 30 }.ToString();

    public static StudioDbContext CreateContext(string path)
    {
        var builder = new DbContextOptionsBuilder<StudioDbContext>();
        StudioDatabase.Configure(builder, DatabaseProvider.Sqlite, ConnectionString(path));
        return new StudioDbContext(builder.Options);
    }

    public async Task<GeneratedData> EnsureAsync(CancellationToken ct)
    {
        var path = Path.GetFullPath(options.DbPath);
        if (!options.Regenerate && File.Exists(path) && await ReadMetaAsync(path, ct) is { } existing)
        {
            Console.WriteLine($"Reusing {path} ({existing.Customers:N0} customers, {existing.Events:N0} events, {existing.Orders:N0} orders; generated in {existing.GenerationSeconds:0.0} s).");
            // The schema follows the product: apply migrations added since the file was generated (new indexes).
            await using var db = CreateContext(path);
            await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);
            return existing with { Reused = true, FileBytes = new FileInfo(path).Length };
        }
        return await GenerateAsync(path, ct);
    }

    private async Task<GeneratedData?> ReadMetaAsync(string path, CancellationToken ct)
    {
        try
        {
            await using var connection = new SqliteConnection(ConnectionString(path));
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, value FROM bench_meta";
            var meta = new Dictionary<string, string>();
            await using (var reader = await command.ExecuteReaderAsync(ct))
                while (await reader.ReadAsync(ct)) meta[reader.GetString(0)] = reader.GetString(1);
            int I(string k) => int.Parse(meta[k], CultureInfo.InvariantCulture);
            if (meta.GetValueOrDefault("complete") != "1" || meta.GetValueOrDefault("version") != Version
                || I("customers") != options.Customers || I("events") != options.Events || I("orders") != options.Orders)
                return null;
            return new GeneratedData(I("customers"), I("events"), I("event_properties"), I("orders"), I("tag_assignments"), DataNow,
                double.Parse(meta["generation_seconds"], CultureInfo.InvariantCulture), 0, true);
        }
        catch (SqliteException)
        {
            return null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    private async Task<GeneratedData> GenerateAsync(string path, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { path, path + "-wal", path + "-shm" })
            if (File.Exists(f)) File.Delete(f);
        Console.WriteLine($"Generating {options.Customers:N0} customers, {options.Events:N0} events, {options.Orders:N0} orders into {path} …");

        await using var db = CreateContext(path);
        await StudioDatabase.MigrateAsync(db, DatabaseProvider.Sqlite, ct);
        Console.WriteLine($"  migrated ({clock.Elapsed.TotalSeconds:0.0} s)");

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            Exec(connection, null, "PRAGMA foreign_keys=OFF");
            Exec(connection, null, "PRAGMA journal_mode=OFF");
            Exec(connection, null, "PRAGMA synchronous=OFF");
            Exec(connection, null, "PRAGMA cache_size=-1000000");
            Exec(connection, null, "CREATE TABLE bench_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");

            // Secondary indexes of the big tables, exactly as the migrations made them, re-created after the load.
            var indexes = new List<(string Name, string Sql)>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('Customers','Events','EventProperties','Orders','TagAssignments')";
                using var reader = command.ExecuteReader();
                while (reader.Read()) indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (name, _) in indexes) Exec(connection, null, $"DROP INDEX \"{name}\"");

            db.WorkspaceSettings.Add(new WorkspaceSettings { Id = 1, Name = "Conditions benchmark", TimeZone = "Asia/Shanghai" });
            await db.SaveChangesAsync(ct);

            var world = new World(options, Seed);
            var counts = new Dictionary<string, int>();
            void Load<T>(string label, IEnumerable<List<T>> chunks) where T : class
            {
                var step = Stopwatch.StartNew();
                var total = 0;
                using var transaction = connection.BeginTransaction();
                foreach (var rows in chunks)
                {
                    ct.ThrowIfCancellationRequested();
                    ModelBulkInsert.Insert(db, connection, transaction, rows, null, ct);
                    total += rows.Count;
                    Console.Write($"\r  {label}: {total:N0} rows ({step.Elapsed.TotalSeconds:0.0} s)   ");
                }
                transaction.Commit();
                counts[label] = total;
                Console.WriteLine();
            }

            Load("customers", world.Customers());
            var properties = new List<EventProperty>();
            Load("events", world.Events(properties));
            Load("event properties", Batches(properties));
            properties.Clear();
            properties.TrimExcess();
            Load("orders", world.Orders());

            var tags = world.TagDefinitions();
            db.TagCategories.Add(tags.Category);
            await db.SaveChangesAsync(ct);
            foreach (var t in tags.Tags) t.CategoryId = tags.Category.Id;
            db.Tags.AddRange(tags.Tags);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            Load("tag assignments", world.TagAssignments(tags.Tags));

            foreach (var (name, sql) in indexes)
            {
                var step = Stopwatch.StartNew();
                Console.Write($"  index {name} …");
                Exec(connection, null, sql);
                Console.WriteLine($" {step.Elapsed.TotalSeconds:0.0} s");
            }

            Exec(connection, null, "PRAGMA journal_mode=WAL");
            Exec(connection, null, "PRAGMA foreign_keys=ON");
            var seconds = clock.Elapsed.TotalSeconds;
            var meta = new Dictionary<string, string>
            {
                ["version"] = Version,
                ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
                ["now"] = DataNow.ToString("O", CultureInfo.InvariantCulture),
                ["customers"] = counts["customers"].ToString(CultureInfo.InvariantCulture),
                ["events"] = counts["events"].ToString(CultureInfo.InvariantCulture),
                ["event_properties"] = counts["event properties"].ToString(CultureInfo.InvariantCulture),
                ["orders"] = counts["orders"].ToString(CultureInfo.InvariantCulture),
                ["tag_assignments"] = counts["tag assignments"].ToString(CultureInfo.InvariantCulture),
                ["generation_seconds"] = seconds.ToString("0.0", CultureInfo.InvariantCulture),
                ["complete"] = "1",
            };
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "INSERT INTO bench_meta (key, value) VALUES ($key, $value)";
                var key = command.CreateParameter();
                key.ParameterName = "$key";
                var value = command.CreateParameter();
                value.ParameterName = "$value";
                command.Parameters.Add(key);
                command.Parameters.Add(value);
                foreach (var (k, v) in meta)
                {
                    key.Value = k;
                    value.Value = v;
                    command.ExecuteNonQuery();
                }
            }
            Console.WriteLine($"Generated in {seconds:0.0} s: {world.Summary()}");
            return new GeneratedData(counts["customers"], counts["events"], counts["event properties"], counts["orders"],
                counts["tag assignments"], DataNow, seconds, new FileInfo(path).Length, false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static IEnumerable<List<T>> Batches<T>(List<T> rows)
    {
        for (var i = 0; i < rows.Count; i += Chunk)
            yield return rows.GetRange(i, Math.Min(Chunk, rows.Count - i));
    }

    internal static void Exec(DbConnection connection, DbTransaction? transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0;
        command.ExecuteNonQuery();
    }

    /// <summary>The generated world: per-customer traits drawn once, then each table streamed in chunks.</summary>
    private sealed class World
    {
        private readonly ConditionsOptions _o;
        private readonly int _seed;
        private readonly double[] _activity;       // Pareto-like weight, 0 for dormant customers
        private readonly long[] _created;          // ticks
        private readonly long[] _activeUntil;      // ticks
        private readonly bool[] _pricingCurious;
        private readonly bool[] _merged;
        private readonly long[] _firstOrder;       // ticks, 0 = no order
        private readonly int[] _orderCount;
        private static readonly DateTime Start18Months = DataNow.AddDays(-548);

        public World(ConditionsOptions o, int seed)
        {
            _o = o;
            _seed = seed;
            var n = o.Customers;
            _activity = new double[n];
            _created = new long[n];
            _activeUntil = new long[n];
            _pricingCurious = new bool[n];
            _merged = new bool[n];
            _firstOrder = new long[n];
            _orderCount = new int[n];
            var rng = new Random(seed);
            for (var i = 0; i < n; i++)
            {
                // Customers joined over three years, more of them recently.
                var created = DataNow.AddDays(-1095 * Math.Pow(rng.NextDouble(), 0.8)).AddSeconds(-rng.Next(86_400));
                _created[i] = created.Ticks;
                // 15 % dormant; the others Pareto (α ≈ 1.16, the 80/20 rule), capped at 200× the least active.
                _activity[i] = rng.NextDouble() < 0.15 ? 0 : Math.Min(200, Math.Pow(1 - rng.NextDouble(), -1 / 1.16));
                var from = Math.Max(created.Ticks, Start18Months.Ticks);
                // 65 % still active; the others stopped some time after they started.
                _activeUntil[i] = rng.NextDouble() < 0.65 ? DataNow.Ticks : from + (long)((DataNow.Ticks - from) * rng.NextDouble());
                _pricingCurious[i] = rng.NextDouble() < 0.12;
                _merged[i] = i > 0 && rng.NextDouble() < 0.003;
            }
        }

        public string Summary()
        {
            var buyers = _orderCount.Count(c => c > 0);
            return $"{buyers:N0} customers with orders ({100.0 * buyers / _o.Customers:0.0} %), {_activity.Count(a => a == 0):N0} dormant, {_merged.Count(m => m):N0} merged away";
        }

        private static long Id(int index) => index + 1;

        // ------------------------------------------------------------ customers

        private static readonly (string Province, double Weight, string[] Cities)[] Provinces =
        [
            ("上海", 10.0, ["上海"]),
            ("江苏", 11.0, ["南京", "苏州", "无锡", "常州", "南通", "徐州"]),
            ("浙江", 9.0, ["杭州", "宁波", "温州", "绍兴", "嘉兴", "金华"]),
            ("广东", 13.0, ["广州", "深圳", "东莞", "佛山", "珠海", "中山"]),
            ("北京", 8.0, ["北京"]),
            ("山东", 6.0, ["济南", "青岛", "烟台", "潍坊"]),
            ("四川", 5.0, ["成都", "绵阳", "宜宾"]),
            ("湖北", 4.0, ["武汉", "宜昌", "襄阳"]),
            ("河南", 4.0, ["郑州", "洛阳", "南阳"]),
            ("福建", 4.0, ["福州", "厦门", "泉州"]),
            ("湖南", 3.0, ["长沙", "株洲", "岳阳"]),
            ("安徽", 3.0, ["合肥", "芜湖", "蚌埠"]),
            ("河北", 2.5, ["石家庄", "保定", "唐山"]),
            ("重庆", 2.5, ["重庆"]),
            ("天津", 2.0, ["天津"]),
            ("陕西", 2.0, ["西安", "宝鸡"]),
            ("辽宁", 2.0, ["沈阳", "大连"]),
            ("云南", 1.5, ["昆明", "大理"]),
            ("广西", 1.5, ["南宁", "桂林"]),
            ("江西", 1.5, ["南昌", "九江"]),
            ("黑龙江", 1.0, ["哈尔滨"]),
            ("山西", 1.0, ["太原"]),
            ("贵州", 1.0, ["贵阳"]),
            ("吉林", 0.8, ["长春"]),
            ("海南", 0.6, ["海口", "三亚"]),
            ("内蒙古", 0.6, ["呼和浩特"]),
            ("新疆", 0.5, ["乌鲁木齐"]),
            ("甘肃", 0.5, ["兰州"]),
            ("", 3.0, [""]), // unknown province: stored as NULL
        ];

        private static readonly Weighted<int> ProvincePick = new(Provinces.Select((p, i) => (i, p.Weight)));
        private static readonly Weighted<string> Surnames = new([
            ("王", 7.2), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.6), ("杨", 3.1), ("黄", 2.4), ("赵", 2.2), ("吴", 2.0), ("周", 1.9),
            ("徐", 1.5), ("孙", 1.5), ("马", 1.3), ("朱", 1.3), ("胡", 1.2), ("郭", 1.1), ("何", 1.1), ("高", 1.0), ("林", 1.0), ("罗", 0.9),
            ("郑", 0.9), ("梁", 0.8), ("谢", 0.7), ("宋", 0.6), ("唐", 0.6), ("许", 0.6), ("韩", 0.5), ("冯", 0.5), ("邓", 0.5), ("曹", 0.5)]);
        private const string GivenChars = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红辉鹏飞波宇浩欣怡婷雪琳晨子涵梓轩思雨嘉俊文博";
        private static readonly Weighted<string> Channels = new([("wechat", 30), ("web", 25), ("app", 15), ("ads", 12), ("offline_event", 10), ("referral", 8)]);
        private static readonly string[] Industries = ["制造", "零售", "教育", "金融", "医疗", "互联网", "物流", "餐饮"];
        private static readonly string[] Sizes = ["1-10", "11-50", "51-200", "201-1000", "1000+"];

        public IEnumerable<List<Customer>> Customers()
        {
            var rng = new Random(_seed + 1);
            var rows = new List<Customer>(Chunk);
            // Orders decide who bought; customers are written after the order plan so lifecycle agrees with it.
            PlanOrders();
            for (var i = 0; i < _o.Customers; i++)
            {
                var (province, _, cities) = Provinces[ProvincePick.Pick(rng)];
                var created = new DateTime(_created[i], DateTimeKind.Utc);
                var buyer = _orderCount[i] > 0;
                var given = GivenChars[rng.Next(GivenChars.Length)].ToString();
                if (rng.NextDouble() < 0.6) given += GivenChars[rng.Next(GivenChars.Length)];
                var b2b = rng.NextDouble() < 0.3;
                var c = new Customer
                {
                    Id = Id(i),
                    Name = Surnames.Pick(rng) + given,
                    Gender = rng.NextDouble() switch { < 0.48 => Gender.Male, < 0.93 => Gender.Female, _ => Gender.Unknown },
                    BirthDate = rng.NextDouble() < 0.8 ? new DateOnly(1960, 1, 1).AddDays(rng.Next(46 * 365)) : null,
                    Province = province.Length == 0 ? null : province,
                    City = province.Length == 0 ? null : cities[rng.Next(cities.Length)],
                    Phone = rng.NextDouble() < 0.9 ? $"+861{3 + i % 7}{(i * 7919L + 10_000_000) % 100_000_000:D8}" : null,
                    Email = rng.NextDouble() < 0.6 ? $"u{i + 1}@example.com" : null,
                    SourceChannel = Channels.Pick(rng),
                    LifecycleStage = buyer
                        ? rng.NextDouble() < 0.85 ? LifecycleStage.Customer : LifecycleStage.Churned
                        : rng.NextDouble() switch { < 0.65 => LifecycleStage.Lead, < 0.87 => LifecycleStage.Mql, < 0.97 => LifecycleStage.Sql, _ => LifecycleStage.Churned },
                    LeadScore = rng.Next(100),
                    Company = b2b ? $"客户公司{rng.Next(50_000)}" : null,
                    Industry = b2b ? Industries[rng.Next(Industries.Length)] : null,
                    CompanySize = b2b ? Sizes[rng.Next(Sizes.Length)] : null,
                    EmailOptOut = rng.NextDouble() < 0.05,
                    SmsOptOut = rng.NextDouble() < 0.08,
                    CreatedAt = created,
                    UpdatedAt = created.AddTicks((long)((DataNow - created).Ticks * rng.NextDouble())),
                    MergedIntoId = _merged[i] ? Id(i - 1) : null,
                };
                rows.Add(c);
                if (rows.Count == Chunk)
                {
                    yield return rows;
                    rows = new List<Customer>(Chunk);
                }
            }
            if (rows.Count > 0) yield return rows;
        }

        // ------------------------------------------------------------ events

        private static readonly Weighted<string> EventTypes = new([
            ("page_view", 50), ("email_open", 14), ("app_open", 10), ("search", 7), ("add_to_cart", 6),
            ("email_click", 5), ("form_submit", 3), ("wechat_message", 3), ("purchase", 1.5), ("demo_request", 0.5)]);
        private static readonly Weighted<string> Paths = new([
            ("/", 22), ("/product", 12), ("/product/crm", 8), ("/product/journeys", 5), ("/blog/segments-101", 7), ("/blog/rfm", 6),
            ("/blog/wechat-crm", 6), ("/docs", 10), ("/cases", 5), ("/about", 4), ("/contact", 3), ("/signup", 4), ("/login", 8)]);
        private static readonly Weighted<string> Utm = new([("wechat", 35), ("baidu", 30), ("newsletter", 20), ("google", 15)]);

        /// <summary>Events per customer in proportion to activity (exact total), times skewed to the recent end.</summary>
        public IEnumerable<List<CustomerEvent>> Events(List<EventProperty> properties)
        {
            var rng = new Random(_seed + 2);
            var total = _activity.Sum();
            var rows = new List<CustomerEvent>(Chunk);
            double cumulative = 0;
            long assigned = 0;
            long id = 0;
            for (var i = 0; i < _o.Customers; i++)
            {
                cumulative += _activity[i];
                var target = total == 0 ? 0 : (long)Math.Round(_o.Events * cumulative / total);
                var k = (int)(target - assigned);
                assigned = target;
                var from = Math.Max(_created[i], Start18Months.Ticks);
                var span = Math.Max(0, _activeUntil[i] - from);
                var pricing = _pricingCurious[i] ? 0.30 : 0.04;
                for (var j = 0; j < k; j++)
                {
                    var at = new DateTime(_activeUntil[i] - (long)(span * Math.Pow(rng.NextDouble(), 1.2)), DateTimeKind.Utc);
                    var type = EventTypes.Pick(rng);
                    var e = new CustomerEvent
                    {
                        Id = ++id,
                        CustomerId = Id(i),
                        Type = type,
                        OccurredAt = at,
                        ReceivedAt = at.AddSeconds(1 + rng.Next(30)),
                        Channel = type switch
                        {
                            "page_view" or "search" or "add_to_cart" or "purchase" => rng.NextDouble() < 0.75 ? "web" : "app",
                            "email_open" or "email_click" => "email",
                            "app_open" => "app",
                            "wechat_message" => "wechat",
                            _ => "web",
                        },
                    };
                    if (type == "page_view")
                    {
                        var path = rng.NextDouble() < pricing ? "/pricing" : Paths.Pick(rng);
                        properties.Add(new EventProperty { EventId = e.Id, Key = "path", Value = path });
                        if (rng.NextDouble() < 0.25)
                        {
                            var utm = Utm.Pick(rng);
                            properties.Add(new EventProperty { EventId = e.Id, Key = "utm_source", Value = utm });
                            e.PropertiesJson = $$"""{"path":"{{path}}","utm_source":"{{utm}}"}""";
                        }
                        else
                        {
                            e.PropertiesJson = $$"""{"path":"{{path}}"}""";
                        }
                    }
                    rows.Add(e);
                    if (rows.Count == Chunk)
                    {
                        yield return rows;
                        rows = new List<CustomerEvent>(Chunk);
                    }
                }
            }
            if (rows.Count > 0) yield return rows;
        }

        // ------------------------------------------------------------ orders

        /// <summary>Who buys (more likely when active) and how many orders each buyer has (Pareto, exact total).</summary>
        private void PlanOrders()
        {
            var rng = new Random(_seed + 3);
            var buyers = new List<int>();
            var weights = new List<double>();
            for (var i = 0; i < _o.Customers; i++)
            {
                var p = _activity[i] == 0 ? 0.2 : Math.Min(0.95, 0.37 + 0.08 * Math.Log(_activity[i]));
                if (rng.NextDouble() >= p) continue;
                buyers.Add(i);
                weights.Add(Math.Min(100, Math.Pow(1 - rng.NextDouble(), -1 / 1.5)));
            }
            if (buyers.Count > _o.Orders) buyers.RemoveRange(_o.Orders, buyers.Count - _o.Orders);
            var extra = _o.Orders - buyers.Count;
            var total = weights.Take(buyers.Count).Sum();
            double cumulative = 0;
            long assigned = 0;
            for (var b = 0; b < buyers.Count; b++)
            {
                cumulative += weights[b];
                var target = (long)Math.Round(extra * cumulative / total);
                _orderCount[buyers[b]] = 1 + (int)(target - assigned);
                assigned = target;
            }
        }

        private static readonly Weighted<OrderStatus> Statuses = new([(OrderStatus.Paid, 85), (OrderStatus.Pending, 4), (OrderStatus.Cancelled, 6), (OrderStatus.Refunded, 5)]);
        private static readonly Weighted<string> OrderChannels = new([("tmall", 30), ("jd", 20), ("wechat_mall", 25), ("web", 15), ("offline", 10)]);

        public IEnumerable<List<Order>> Orders()
        {
            var rng = new Random(_seed + 4);
            var rows = new List<Order>(Chunk);
            long id = 0;
            for (var i = 0; i < _o.Customers; i++)
            {
                var from = Math.Max(_created[i], Start18Months.Ticks);
                var span = DataNow.Ticks - from;
                for (var j = 0; j < _orderCount[i]; j++)
                {
                    var at = new DateTime(DataNow.Ticks - (long)(span * Math.Pow(rng.NextDouble(), 1.1)), DateTimeKind.Utc);
                    if (_firstOrder[i] == 0 || at.Ticks < _firstOrder[i]) _firstOrder[i] = at.Ticks;
                    // Log-normal amounts: median ≈ 330 CNY, a long tail of large orders.
                    var normal = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                    var amount = Math.Max(9.9m, Math.Round((decimal)Math.Exp(5.8 + normal), 2));
                    rows.Add(new Order
                    {
                        Id = ++id,
                        CustomerId = Id(i),
                        OrderNo = $"SO{id:D10}",
                        OrderedAt = at,
                        Amount = amount,
                        Currency = "CNY",
                        Status = Statuses.Pick(rng),
                        Channel = OrderChannels.Pick(rng),
                    });
                    if (rows.Count == Chunk)
                    {
                        yield return rows;
                        rows = new List<Order>(Chunk);
                    }
                }
            }
            if (rows.Count > 0) yield return rows;
        }

        // ------------------------------------------------------------ tags

        public (TagCategory Category, List<Tag> Tags) TagDefinitions()
        {
            var category = new TagCategory { Code = "bench", NameZh = "基准", NameEn = "Benchmark", CreatedAt = DataNow };
            Tag T(string code, string zh, string en, TagKind kind, params string[] values) => new()
            {
                Code = code, NameZh = zh, NameEn = en, Kind = kind, Status = TagStatus.Active, CreatedAt = DataNow, UpdatedAt = DataNow,
                Values = [.. values.Select((v, i) => new TagValue { Code = v, NameZh = v, NameEn = v, SortOrder = i })],
            };
            return (category, [
                T("purchased", "已购买", "Purchased", TagKind.Rule),
                T("newsletter", "订阅资讯", "Newsletter", TagKind.Manual),
                T("vip", "VIP", "VIP", TagKind.Rule),
                T("churn_risk", "流失风险", "Churn risk", TagKind.Predictive),
                T("interest", "兴趣等级", "Interest", TagKind.Rule, "high", "mid", "low"),
            ]);
        }

        public IEnumerable<List<TagAssignment>> TagAssignments(List<Tag> tags)
        {
            var rng = new Random(_seed + 5);
            var byCode = tags.ToDictionary(t => t.Code);
            var interestValues = byCode["interest"].Values.Select(v => v.Id).ToArray();
            var rows = new List<TagAssignment>(Chunk);
            long id = 0;
            TagAssignment A(int i, string tag, AssignmentSource source, DateTime at, DateTime? expires = null, int value = 0) => new()
            {
                Id = ++id, CustomerId = Id(i), TagId = byCode[tag].Id, TagValueId = value, Source = source,
                AssignedAt = at, ExpiresAt = expires, AssignedBy = source == AssignmentSource.Manual ? "admin" : null,
            };
            for (var i = 0; i < _o.Customers; i++)
            {
                var created = new DateTime(_created[i], DateTimeKind.Utc);
                DateTime Since(double maxDays) => DataNow.AddDays(-maxDays * rng.NextDouble()) is var d && d < created ? created : d;
                if (_orderCount[i] > 0)
                {
                    rows.Add(A(i, "purchased", AssignmentSource.Rule, new DateTime(_firstOrder[i], DateTimeKind.Utc)));
                    if (rng.NextDouble() < 0.12) rows.Add(A(i, "vip", AssignmentSource.Rule, Since(365)));
                }
                if (rng.NextDouble() < 0.25)
                    rows.Add(A(i, "newsletter", rng.NextDouble() < 0.5 ? AssignmentSource.Manual : AssignmentSource.Import, Since(700)));
                if (rng.NextDouble() < 0.08)
                {
                    // Predictions expire after 30 days; about a third of them already have.
                    var at = Since(45);
                    rows.Add(A(i, "churn_risk", AssignmentSource.Model, at, at.AddDays(30)));
                }
                if (rng.NextDouble() < 0.30)
                    rows.Add(A(i, "interest", AssignmentSource.Rule, Since(180), null, interestValues[rng.Next(interestValues.Length)]));
                if (rows.Count >= Chunk)
                {
                    yield return rows;
                    rows = new List<TagAssignment>(Chunk);
                }
            }
            if (rows.Count > 0) yield return rows;
        }
    }

    /// <summary>Picks items by weight with one uniform draw and a binary search.</summary>
    private sealed class Weighted<T>
    {
        private readonly T[] _items;
        private readonly double[] _cumulative;

        public Weighted(IEnumerable<(T Item, double Weight)> items)
        {
            var list = items.ToList();
            _items = [.. list.Select(x => x.Item)];
            _cumulative = new double[list.Count];
            double sum = 0;
            for (var i = 0; i < list.Count; i++) _cumulative[i] = sum += list[i].Weight;
        }

        public T Pick(Random rng)
        {
            var x = rng.NextDouble() * _cumulative[^1];
            var i = Array.BinarySearch(_cumulative, x);
            if (i < 0) i = ~i;
            return _items[Math.Min(i, _items.Length - 1)];
        }
    }
}
