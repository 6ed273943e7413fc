using System.Globalization;
using System.IO.Compression;

namespace CustomerStudio.Core.Imports;

/// <summary>
/// Gzip-compressed uploads (<c>customers.csv.gz</c>, as data exports and public data sets often come): read as the file
/// inside, decompressed while streaming, never past <see cref="MaxExpandedBytes"/> (a small file that expands without
/// end is refused instead of filling the disk).
/// </summary>
public static class CompressedUpload
{
    /// <summary>The most a compressed upload may expand to: four times the largest upload.</summary>
    public const long MaxExpandedBytes = 4L << 30;

    public static bool IsGzip(string fileName) => fileName.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>The name of the file inside (<c>a.csv.gz</c> → <c>a.csv</c>); other names as they are.</summary>
    public static string InnerName(string fileName) => IsGzip(fileName) ? fileName[..^3] : fileName;

    /// <summary>The content to read: decompressed for a .gz name (the stream is left open), else the stream itself.</summary>
    public static Stream Open(Stream content, string fileName, long maxExpandedBytes = MaxExpandedBytes) =>
        IsGzip(fileName) ? new Limited(new GZipStream(content, CompressionMode.Decompress, leaveOpen: true), maxExpandedBytes) : content;

    /// <summary>Reads through, and fails with a clear message once more than the limit came out.</summary>
    private sealed class Limited(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        private int Count(int n)
        {
            _read += n;
            if (_read > limit)
                throw new InvalidDataException(ImportMessages.Format("ExpandsTooMuch",
                    [(limit / (1024.0 * 1024 * 1024)).ToString("0.##", CultureInfo.InvariantCulture)]));
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
