using System.Globalization;
using System.IO.Compression;
using System.Text;
using CustomerStudio.Core.Imports;

namespace CustomerStudio.Tests.Imports;

public class CompressedUploadTests
{
    private static MemoryStream Gzip(byte[] data)
    {
        var buffer = new MemoryStream();
        using (var gz = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(data);
        buffer.Position = 0;
        return buffer;
    }

    [Theory]
    [InlineData("customers.csv.gz", true, "customers.csv")]
    [InlineData("Orders.XLSX.GZ", true, "Orders.XLSX")]
    [InlineData("customers.csv", false, "customers.csv")]
    [InlineData("archive.gzip", false, "archive.gzip")]
    public void A_gz_name_is_read_as_the_file_inside(string name, bool gzip, string inner)
    {
        Assert.Equal(gzip, CompressedUpload.IsGzip(name));
        Assert.Equal(inner, CompressedUpload.InnerName(name));
    }

    [Fact]
    public void A_gz_upload_reads_back_byte_for_byte_and_a_plain_one_is_passed_through()
    {
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"客户{i},1380000{i:0000}\n")));
        using var read = new MemoryStream();
        using (var stream = CompressedUpload.Open(Gzip(text), "a.csv.gz")) stream.CopyTo(read);
        Assert.Equal(text, read.ToArray());
        var plain = new MemoryStream(text);
        Assert.Same(plain, CompressedUpload.Open(plain, "a.csv"));
    }

    [Fact]
    public void A_file_that_expands_past_the_limit_is_refused_with_a_localized_message()
    {
        // 64 MB of zeros compress to about 64 KB: a small bomb against a 1 MB limit.
        using var bomb = Gzip(new byte[64 << 20]);
        Assert.True(bomb.Length < 200_000);
        var previous = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            using var stream = CompressedUpload.Open(bomb, "bomb.csv.gz", maxExpandedBytes: 1 << 20);
            var error = Assert.Throws<InvalidDataException>(() => stream.CopyTo(Stream.Null));
            Assert.Contains("解压后超过", error.Message);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void A_file_named_gz_that_is_not_gzip_fails_as_invalid_data()
    {
        using var stream = CompressedUpload.Open(new MemoryStream(Encoding.UTF8.GetBytes("name,phone\n张三,13800000000\n")), "x.csv.gz");
        Assert.Throws<InvalidDataException>(() => stream.CopyTo(Stream.Null));
    }
}
