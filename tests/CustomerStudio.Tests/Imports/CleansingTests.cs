using System.Text;
using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Imports.Cleansing;

namespace CustomerStudio.Tests.Imports;

public sealed class CleansingTests
{
    [Theory]
    [InlineData("13812345678", "+8613812345678")]
    [InlineData("138 1234 5678", "+8613812345678")]
    [InlineData("138-1234-5678", "+8613812345678")]
    [InlineData(" +86 138 1234 5678 ", "+8613812345678")]
    [InlineData("0086 13812345678", "+8613812345678")]
    [InlineData("0086-138-1234-5678", "+8613812345678")]
    [InlineData("(+86)13812345678", "+8613812345678")]
    [InlineData("（+86）138 1234 5678", "+8613812345678")]
    [InlineData("86-13812345678", "+8613812345678")]
    [InlineData("8613812345678", "+8613812345678")]
    [InlineData("１３８１２３４５６７８", "+8613812345678")]
    [InlineData("010-62345678", "+861062345678")]
    [InlineData("(010) 6234 5678", "+861062345678")]
    [InlineData("0571-88881234", "+8657188881234")]
    [InlineData("021 5555 6666", "+862155556666")]
    [InlineData("+1 650-253-0000", "+16502530000")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    public void Phone_numbers_become_e164(string raw, string expected)
    {
        var cleaned = new PhoneCleaner().Normalize(raw);
        Assert.True(cleaned.Ok, cleaned.Error);
        Assert.Equal(expected, cleaned.Value);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1381234567")]
    [InlineData("138123456789")]
    [InlineData("abc")]
    [InlineData("00000000000")]
    [InlineData("+86 999 1234 5678")]
    public void Invalid_phone_numbers_are_refused_not_dropped(string raw)
    {
        var cleaned = new PhoneCleaner().Normalize(raw);
        Assert.Equal(("InvalidPhone", raw.Trim()), (cleaned.Error, cleaned.Args[0]));
    }

    [Fact]
    public void Empty_phone_is_missing_not_an_error() => Assert.True(new PhoneCleaner().Normalize("  ").IsEmpty);

    [Theory]
    [InlineData(" Alice@Example.COM ", "alice@example.com")]
    [InlineData("bob＠corp.cn", "bob@corp.cn")]
    [InlineData("mailto:li.lei@163.com", "li.lei@163.com")]
    [InlineData("wang_fang+promo@qq.com", "wang_fang+promo@qq.com")]
    public void Emails_are_trimmed_and_lower_cased(string raw, string expected) => Assert.Equal(expected, EmailCleaner.Normalize(raw).Value);

    [Theory]
    [InlineData("alice")]
    [InlineData("alice@")]
    [InlineData("@example.com")]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("a@@example.com")]
    public void Malformed_emails_are_refused(string raw) => Assert.Equal("InvalidEmail", EmailCleaner.Normalize(raw).Error);

    [Theory]
    [InlineData("北京", "北京")]
    [InlineData("北京市", "北京")]
    [InlineData("上海市", "上海")]
    [InlineData("内蒙古", "内蒙古")]
    [InlineData("内蒙古自治区", "内蒙古")]
    [InlineData("广西壮族自治区", "广西")]
    [InlineData("新疆维吾尔自治区", "新疆")]
    [InlineData("宁夏回族自治区", "宁夏")]
    [InlineData("浙江省", "浙江")]
    [InlineData("Beijing", "北京")]
    [InlineData("SHANGHAI", "上海")]
    [InlineData("Inner Mongolia", "内蒙古")]
    [InlineData("Guangdong Province", "广东")]
    [InlineData("香港特别行政区", "香港")]
    public void Provinces_are_normalized_to_their_short_name(string raw, string expected) => Assert.Equal(expected, RegionCleaner.Province(raw).Value);

    [Fact]
    public void Unknown_provinces_are_refused() => Assert.Equal("UnknownProvince", RegionCleaner.Province("火星省").Error);

    [Theory]
    [InlineData("杭州市", "杭州")]
    [InlineData("杭州", "杭州")]
    [InlineData("北京市", "北京")]
    [InlineData("延边朝鲜族自治州", "延边朝鲜族")]
    [InlineData("阿里地区", "阿里")]
    [InlineData("hangzhou", "Hangzhou")]
    public void Cities_lose_their_suffix(string raw, string expected) => Assert.Equal(expected, RegionCleaner.City(raw).Value);

    [Theory]
    [InlineData("男", Gender.Male)]
    [InlineData("M", Gender.Male)]
    [InlineData("male", Gender.Male)]
    [InlineData("Male", Gender.Male)]
    [InlineData("1", Gender.Male)]
    [InlineData("先生", Gender.Male)]
    [InlineData("女", Gender.Female)]
    [InlineData("f", Gender.Female)]
    [InlineData("FEMALE", Gender.Female)]
    [InlineData("0", Gender.Female)]
    [InlineData("女士", Gender.Female)]
    [InlineData("保密", Gender.Unknown)]
    public void Genders_are_read_in_every_common_form(string raw, Gender expected) => Assert.Equal(expected, GenderCleaner.Normalize(raw).Value);

    [Fact]
    public void An_unreadable_gender_is_refused() => Assert.Equal("InvalidGender", GenderCleaner.Normalize("x").Error);

    [Theory]
    [InlineData("2024-03-05", "2024-03-05T00:00:00")]
    [InlineData("2024/3/5", "2024-03-05T00:00:00")]
    [InlineData("2024.03.05", "2024-03-05T00:00:00")]
    [InlineData("20240305", "2024-03-05T00:00:00")]
    [InlineData("2024年3月5日", "2024-03-05T00:00:00")]
    [InlineData("2024-03-05 14:30", "2024-03-05T14:30:00")]
    [InlineData("2011-12-09 12:50:00", "2011-12-09T12:50:00")]
    [InlineData("2024-03-05T14:30:00", "2024-03-05T14:30:00")]
    [InlineData("2024-03-05T14:30:00+08:00", "2024-03-05T06:30:00")]
    [InlineData("2024-03-05T06:30:00Z", "2024-03-05T06:30:00")]
    [InlineData("05/03/2024", "2024-03-05T00:00:00")]
    [InlineData("12/25/2024", "2024-12-25T00:00:00")]
    [InlineData("5.3.2024", "2024-03-05T00:00:00")]
    [InlineData("45356", "2024-03-05T00:00:00")]
    public void Dates_are_read_in_common_formats(string raw, string expected) =>
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DateCleaner.Parse(raw).Value);

    [Theory]
    [InlineData("2024-13-05")]
    [InlineData("2024-02-30")]
    [InlineData("yesterday")]
    [InlineData("1800-01-01")]
    public void Impossible_dates_are_refused(string raw) => Assert.Equal("InvalidDate", DateCleaner.Parse(raw).Error);

    public static TheoryData<string, byte[], string> Encodings()
    {
        const string text = "姓名,手机,城市\n王伟,13812345678,杭州\n李娜,13987654321,上海\n";
        return new()
        {
            { "UTF-8 with BOM", [.. new byte[] { 0xEF, 0xBB, 0xBF }, .. Encoding.UTF8.GetBytes(text)], "UTF-8 (BOM)" },
            { "UTF-8", Encoding.UTF8.GetBytes(text), "UTF-8" },
            { "GB18030 (Excel 另存为 CSV)", FileSniffer.Gb18030.GetBytes(text), "GB18030" },
            { "GBK subset", Encoding.GetEncoding(936).GetBytes(text), "GB18030" },
            { "UTF-16 LE", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)], "UTF-16 LE" },
        };
    }

    [Theory]
    [MemberData(nameof(Encodings))]
    public void The_encoding_delimiter_and_header_are_detected(string _, byte[] bytes, string encoding)
    {
        var shape = FileSniffer.Sniff(new MemoryStream(bytes));
        Assert.Equal((encoding, ',', true), (shape.EncodingName, shape.Delimiter, shape.HasHeader));
        var bom = shape.Encoding.GetPreamble().Length > 0 || encoding.Contains("BOM") ? (encoding.StartsWith("UTF-16") ? 2 : 3) : 0;
        Assert.StartsWith("姓名,手机,城市", shape.Encoding.GetString(bytes, bom, bytes.Length - bom));
    }

    [Theory]
    [InlineData("a\tb\tc\n1\t2\t3\n", '\t', true)]
    [InlineData("name;phone\n\"Wang; Wei\";138\nLi;139\n", ';', true)]
    [InlineData("王伟|13812345678\n李娜|13987654321\n", '|', true)]
    [InlineData("13812345678,2024-01-01\n13987654321,2024-02-01\n", ',', false)]
    public void Delimiters_and_headers_are_detected(string text, char delimiter, bool header)
    {
        var shape = FileSniffer.Sniff(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        Assert.Equal(delimiter, shape.Delimiter);
        if (delimiter != '|') Assert.Equal(header, shape.HasHeader);
    }

    [Theory]
    [InlineData("手机号码", "phone")]
    [InlineData("Mobile Phone", "phone")]
    [InlineData("E-mail", "email")]
    [InlineData("电子邮箱", "email")]
    [InlineData("CustomerID", "external_id")]
    [InlineData("客户编号", "external_id")]
    [InlineData("出生日期", "birth_date")]
    [InlineData("Date of Birth", "birth_date")]
    [InlineData("省份", "province")]
    [InlineData("性别", "gender")]
    [InlineData("会员等级", "custom:vip_level")]
    [InlineData("vip_level", "custom:vip_level")]
    [InlineData("Description", null)]
    public void Columns_are_suggested_from_chinese_and_english_headers(string header, string? expected) =>
        Assert.Equal(expected, ColumnSuggestions.Suggest(header, [("vip_level", "会员等级", "VIP level")]));
}
