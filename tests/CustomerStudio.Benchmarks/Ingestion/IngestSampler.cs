using System.Diagnostics;
using System.Globalization;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>
/// Once-a-second readings for <see cref="IngestLoad"/>: the studio's CPU (utime + stime of /proc/&lt;pid&gt;/stat, in % of
/// one core) and RSS, the whole machine's CPU (/proc/stat, in % of all cores), this client's CPU, the 1-minute load
/// average, and the size of the SQLite file and its write-ahead log.
/// </summary>
public sealed class IngestSampler(StudioServer server, string dbPath, FsyncProbe? fsync)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lastAt;
    private long _lastServer = ServerTicks(server.Pid);
    private (long Busy, long Total) _lastMachine = MachineTicks();
    private TimeSpan _lastClient = Process.GetCurrentProcess().TotalProcessorTime;

    public LoadSample Read()
    {
        var at = _clock.Elapsed.TotalSeconds;
        var elapsed = Math.Max(1e-3, at - _lastAt);
        var serverTicks = ServerTicks(server.Pid);
        var machine = MachineTicks();
        var client = Process.GetCurrentProcess().TotalProcessorTime;
        var sample = new LoadSample(
            at,
            (serverTicks - _lastServer) / TicksPerSecond / elapsed * 100,
            server.ReadRss().Rss,
            machine.Total == _lastMachine.Total ? 0 : 100.0 * (machine.Busy - _lastMachine.Busy) / (machine.Total - _lastMachine.Total),
            (client - _lastClient).TotalSeconds / elapsed * 100,
            LoadAverage(),
            Size(dbPath),
            Size(dbPath + "-wal"),
            0,
            Threads(server.Pid),
            fsync?.MaxSinceLast() ?? double.NaN);
        (_lastAt, _lastServer, _lastMachine, _lastClient) = (at, serverTicks, machine, client);
        return sample;
    }

    public static double LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var l) ? l : double.NaN;

    private static long Size(string path)
    {
        try { return new FileInfo(path).Exists ? new FileInfo(path).Length : 0; }
        catch (IOException) { return 0; }
    }

    /// <summary>utime + stime of the process, in clock ticks (fields 14 and 15, counted after the command name).</summary>
    private static long ServerTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    private static int Threads(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("Threads:", StringComparison.Ordinal)) return int.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        return 0;
    }

    private static (long Busy, long Total) MachineTicks()
    {
        if (!File.Exists("/proc/stat")) return (0, 0);
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Take(8).Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var total = cpu.Sum();
        return (total - cpu[3] - cpu[4], total);
    }
}

/// <summary>
/// The disk under the studio's file, measured on its own: every 200 ms a 4 KB write and fsync of a small file in the
/// same directory (what a SQLite commit waits for), so latency spikes of the studio can be told apart from the disk's.
/// </summary>
public sealed class FsyncProbe : IAsyncDisposable
{
    private readonly List<(double Seconds, double Ms)> _readings = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public FsyncProbe(string directory)
    {
        var path = Path.Combine(directory, "fsync-probe.bin");
        _loop = Task.Factory.StartNew(() =>
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            var block = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                block[0]++;
                file.Position = 0;
                file.Write(block);
                file.Flush(flushToDisk: true);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (_readings) _readings.Add((_clock.Elapsed.TotalSeconds, ms));
                _stop.Token.WaitHandle.WaitOne(200);
            }
            file.Close();
            File.Delete(path);
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>Starts the clock the readings are timed by again (at the start of the measurement).</summary>
    public void Restart()
    {
        lock (_readings)
        {
            _readings.Clear();
            _read = 0;
        }
        _clock.Restart();
    }

    public IReadOnlyList<(double Seconds, double Ms)> Readings
    {
        get { lock (_readings) return [.. _readings]; }
    }

    private int _read;

    /// <summary>The slowest fsync since the previous call.</summary>
    public double MaxSinceLast()
    {
        lock (_readings)
        {
            _read = Math.Min(_read, _readings.Count);
            var max = _readings.Skip(_read).Select(r => r.Ms).DefaultIfEmpty().Max();
            _read = _readings.Count;
            return max;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
