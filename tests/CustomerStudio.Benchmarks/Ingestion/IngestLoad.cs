using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;

namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>What happened to one batch: when it was due, first sent and acknowledged (Stopwatch ticks from the run's start).</summary>
public sealed class BatchRecord
{
    public long Due;
    public long FirstSend;
    /// <summary>When the 200 arrived; 0 when the batch was given up.</summary>
    public long Done;
    public int Events;
    public int Attempts;
    public int Accepted;
    public int Duplicates;
    public int Created;
    public int Errors;
    public bool Replay;
}

/// <summary>One reading of the studio process, the machine and this client, once a second.</summary>
public sealed record LoadSample(double Seconds, double ServerCpuPercent, long ServerRss, double MachineCpuPercent, double ClientCpuPercent,
    double LoadAverage, long DbBytes, long WalBytes, int InFlight, int Threads, double FsyncMaxMs);

/// <summary>The outcome of a paced run.</summary>
public sealed class LoadResult
{
    public required string Name { get; init; }
    public required double OfferedRate { get; init; }
    public required double DurationSeconds { get; init; }
    public required BatchRecord[] Batches { get; init; }
    public required long EventsSent { get; init; }
    public required IReadOnlyList<LoadSample> Samples { get; init; }
    public required int Ok { get; init; }
    public required int TooMany { get; init; }
    public required int ServerErrors { get; init; }
    public required int OtherStatus { get; init; }
    public required int Timeouts { get; init; }
    public required int ConnectionErrors { get; init; }
    public required int Retries { get; init; }
    public required int MaxInFlight { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }

    public IEnumerable<BatchRecord> Acked => Batches.Where(b => b.Done > 0);
    public int FailedBatches => Batches.Count(b => b.Done == 0);
    public long EventsAcked => Acked.Sum(b => (long)b.Events);
    public long EventsAccepted => Acked.Sum(b => (long)b.Accepted);
    public long ItemErrors => Acked.Sum(b => (long)b.Errors);
    public long CustomersCreated => Acked.Sum(b => (long)b.Created);
    public int Replays => Acked.Count(b => b.Replay);
    public int RetriedBatches => Batches.Count(b => b.Attempts > 1);

    public static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    /// <summary>Accept → durable per acknowledged batch: first send until its 200 (retries included), ms, sorted.</summary>
    public double[] Latencies(Func<BatchRecord, bool>? where = null) =>
        Acked.Where(where ?? (_ => true)).Select(b => Ms(b.Done - b.FirstSend)).Order().ToArray();

    /// <summary>Due (the schedule) until the 200: includes any lag of this client in sending.</summary>
    public double[] FromDue() => Acked.Select(b => Ms(b.Done - b.Due)).Order().ToArray();

    /// <summary>How late each batch was sent against its schedule, ms, sorted.</summary>
    public double[] Lags() => Batches.Where(b => b.FirstSend > 0).Select(b => Ms(b.FirstSend - b.Due)).Order().ToArray();

    public double FirstSendSeconds => Seconds(Batches.Where(b => b.FirstSend > 0).Select(b => b.FirstSend).DefaultIfEmpty().Min());
    public double LastDueSeconds => Seconds(Batches.Max(b => b.Due));
    public double LastAckSeconds => Seconds(Acked.Select(b => b.Done).DefaultIfEmpty().Max());

    /// <summary>Durable throughput: events acknowledged ÷ (last acknowledgement − first send).</summary>
    public double Throughput => EventsAcked / Math.Max(1e-9, LastAckSeconds - FirstSendSeconds);

    /// <summary>Events acknowledged per second in consecutive windows of the schedule (by acknowledgement time).</summary>
    public double[] Windows(double seconds)
    {
        var count = (int)Math.Floor(DurationSeconds / seconds);
        var sums = new long[count];
        foreach (var b in Acked)
        {
            var w = (int)Math.Floor(Seconds(b.Done) / seconds);
            if (w >= 0 && w < count) sums[w] += b.Events;
        }
        return sums.Select(s => s / seconds).ToArray();
    }

    public static double Percentile(double[] sorted, double p)
    {
        if (sorted.Length == 0) return double.NaN;
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// The load generator: batches go out on a fixed schedule (batch k at k × batch ÷ rate seconds), whatever the earlier
/// ones are doing — open loop, so a slow studio shows up as latency and a growing number of requests in flight, not as
/// a lower offered load. Batch k goes to sender k mod N (each sender an HttpClient with its own connection pool). A 429,
/// a 5xx, a timeout or a broken connection is retried with the same body and Idempotency-Key until a 200 arrives.
/// </summary>
public sealed class IngestLoad(string baseUrl, string secret, int clients, TimeSpan attemptTimeout, Func<LoadSample>? sample)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(10);
    private List<string> _problems = [];
    private int _ok, _tooMany, _serverErrors, _otherStatus, _timeouts, _connectionErrors, _retries, _inFlight, _maxInFlight;

    public async Task<LoadResult> RunAsync(string name, IngestWorkload workload, double rate, bool progress, CancellationToken ct)
    {
        Reset();
        var spec = workload.Spec;
        var batches = workload.Batches;
        var records = new BatchRecord[batches];
        var http = Clients();

        // The generator runs ahead of the schedule on its own thread (bounded), so building JSON never delays a send.
        var queue = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(async () =>
        {
            try
            {
                while (workload.Next(json: true) is { } batch) await queue.Writer.WriteAsync(batch, stop.Token);
                queue.Writer.TryComplete();
            }
            catch (Exception ex)
            {
                queue.Writer.TryComplete(ex);
            }
        }, CancellationToken.None);
        // Let the generator get ahead before the clock starts.
        while (queue.Reader.Count < Math.Min(64, batches) && !producer.IsCompleted) await Task.Delay(10, ct);

        var samples = new List<LoadSample>();
        var t0 = Stopwatch.GetTimestamp();
        long Now() => Stopwatch.GetTimestamp() - t0;
        var sampler = sample is null ? Task.CompletedTask : Task.Run(async () =>
        {
            var next = 1.0;
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var wait = next - LoadResult.Seconds(Now());
                if (wait > 0)
                {
                    try { await Task.Delay(TimeSpan.FromSeconds(wait), stop.Token); }
                    catch (OperationCanceledException) { break; }
                }
                var s = sample() with { Seconds = LoadResult.Seconds(Now()), InFlight = Volatile.Read(ref _inFlight) };
                lock (samples) samples.Add(s);
                next += 1;
                if (progress && ++n % 10 == 0) Progress(name, records, s, Now());
            }
        }, CancellationToken.None);

        var sends = new List<Task>(batches);
        var ticksPerBatch = (double)spec.BatchSize / rate * Stopwatch.Frequency;
        try
        {
            for (var k = 0; k < batches; k++)
            {
                var batch = await queue.Reader.ReadAsync(ct);
                var due = (long)(k * ticksPerBatch);
                var wait = due - Now();
                if (wait > Stopwatch.Frequency / 500) await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                var record = records[k] = new BatchRecord { Due = due, Events = batch.Events.Length };
                sends.Add(SendAsync(http[k % clients], batch, record, Now, ct));
            }
            await Task.WhenAll(sends);
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
            try { await producer; } catch (OperationCanceledException) { }
            foreach (var client in http) client.Dispose();
        }

        if (progress) Console.WriteLine($"  all {batches:N0} batches answered {LoadResult.Seconds(Now()):0.0} s after the start");
        return new LoadResult
        {
            Name = name, OfferedRate = rate, DurationSeconds = spec.TotalEvents / rate, Batches = records, EventsSent = spec.TotalEvents,
            Samples = samples, Ok = _ok, TooMany = _tooMany, ServerErrors = _serverErrors, OtherStatus = _otherStatus, Timeouts = _timeouts,
            ConnectionErrors = _connectionErrors, Retries = _retries, MaxInFlight = _maxInFlight, Problems = _problems,
        };
    }

    /// <summary>
    /// Capacity: every sender posts its next batch as soon as the previous one is acknowledged (closed loop, one request
    /// in flight per sender) for <paramref name="seconds"/>; throughput = events acknowledged ÷ elapsed time.
    /// </summary>
    public async Task<LoadResult> RunClosedAsync(string name, IngestWorkload workload, double seconds, CancellationToken ct)
    {
        Reset();
        var http = Clients();
        var records = new List<BatchRecord>();
        var t0 = Stopwatch.GetTimestamp();
        long Now() => Stopwatch.GetTimestamp() - t0;
        var end = (long)(seconds * Stopwatch.Frequency);
        var gate = new Lock();
        try
        {
            await Task.WhenAll(http.Select(client => Task.Run(async () =>
            {
                while (Now() < end)
                {
                    IngestBatch? batch;
                    BatchRecord record;
                    lock (gate)
                    {
                        batch = workload.Next(json: true);
                        if (batch is null) return;
                        records.Add(record = new BatchRecord { Due = Now(), Events = batch.Events.Length });
                    }
                    await SendAsync(client, batch, record, Now, ct);
                }
            }, ct)));
        }
        finally
        {
            foreach (var client in http) client.Dispose();
        }
        return new LoadResult
        {
            Name = name, OfferedRate = 0, DurationSeconds = LoadResult.Seconds(Now()), Batches = [.. records], EventsSent = records.Sum(r => (long)r.Events),
            Samples = [], Ok = _ok, TooMany = _tooMany, ServerErrors = _serverErrors, OtherStatus = _otherStatus, Timeouts = _timeouts,
            ConnectionErrors = _connectionErrors, Retries = _retries, MaxInFlight = _maxInFlight, Problems = _problems,
        };
    }

    private void Reset()
    {
        _ok = _tooMany = _serverErrors = _otherStatus = _timeouts = _connectionErrors = _retries = _inFlight = _maxInFlight = 0;
        _problems = [];
    }

    private HttpClient[] Clients() => Enumerable.Range(0, clients).Select(_ => new HttpClient(new SocketsHttpHandler
    {
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
    })
    {
        BaseAddress = new Uri(baseUrl),
        Timeout = Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", secret) },
    }).ToArray();

    private async Task SendAsync(HttpClient client, IngestBatch batch, BatchRecord record, Func<long> now, CancellationToken ct)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < inFlight && Interlocked.CompareExchange(ref _maxInFlight, inFlight, seen) != seen) { }
        try
        {
            // Yield first: the scheduler's loop must not run the request's synchronous part.
            await Task.Yield();
            record.FirstSend = now();
            var started = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                record.Attempts = attempt;
                TimeSpan backoff;
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/ingest/events")
                {
                    Content = new ByteArrayContent(batch.Json!) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
                };
                request.Headers.Add("Idempotency-Key", batch.IdempotencyKey);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(attemptTimeout);
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    var status = (int)response.StatusCode;
                    if (status == 200)
                    {
                        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                        record.Done = now();
                        Interlocked.Increment(ref _ok);
                        Read(body, record, batch);
                        record.Replay = response.Headers.Contains("Idempotent-Replay");
                        return;
                    }
                    if (status == 429)
                    {
                        Interlocked.Increment(ref _tooMany);
                        backoff = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    }
                    else if (status >= 500)
                    {
                        Interlocked.Increment(ref _serverErrors);
                        backoff = Backoff(attempt);
                        Problem($"batch {batch.Index}: {status} {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
                    }
                    else
                    {
                        // 400/401/413 …: the benchmark's own mistake; retrying cannot help.
                        Interlocked.Increment(ref _otherStatus);
                        Problem($"batch {batch.Index}: {status} {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None))}");
                        return;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _timeouts);
                    backoff = Backoff(attempt);
                }
                catch (HttpRequestException ex)
                {
                    Interlocked.Increment(ref _connectionErrors);
                    backoff = Backoff(attempt);
                    Problem($"batch {batch.Index}: {ex.Message}");
                }
                if (started.Elapsed + backoff > GiveUpAfter)
                {
                    Problem($"batch {batch.Index}: given up after {attempt} attempts");
                    return;
                }
                Interlocked.Increment(ref _retries);
                await Task.Delay(backoff, ct);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(Math.Min(5_000, 200 * Math.Pow(2, attempt - 1)));

    private void Read(byte[] body, BatchRecord record, IngestBatch batch)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        record.Accepted = root.GetProperty("accepted").GetInt32();
        record.Duplicates = root.GetProperty("duplicates").GetInt32();
        record.Created = root.GetProperty("customersCreated").GetInt32();
        var errors = root.GetProperty("errors");
        record.Errors = errors.GetArrayLength();
        if (record.Errors > 0) Problem($"batch {batch.Index}: {record.Errors} item errors, first {Truncate(errors[0].GetRawText())}");
        if (root.GetProperty("received").GetInt32() != batch.Events.Length)
            Problem($"batch {batch.Index}: received {root.GetProperty("received").GetInt32()}, sent {batch.Events.Length}");
    }

    private void Problem(string text)
    {
        lock (_problems)
        {
            if (_problems.Count < 200) _problems.Add(text);
            if (_problems.Count <= 5) Console.Error.WriteLine($"  ! {text}");
        }
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;

    private void Progress(string name, BatchRecord[] records, LoadSample s, long now)
    {
        long sent = 0, acked = 0, ackedLast10 = 0;
        var recent = new List<double>();
        var since = now - 10 * Stopwatch.Frequency;
        foreach (var r in records)
        {
            if (r is null) break;
            if (r.FirstSend > 0) sent += r.Events;
            if (r.Done > 0)
            {
                acked += r.Events;
                if (r.Done >= since)
                {
                    ackedLast10 += r.Events;
                    recent.Add(LoadResult.Ms(r.Done - r.FirstSend));
                }
            }
        }
        recent.Sort();
        var p99 = LoadResult.Percentile([.. recent], 99);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name} {s.Seconds,5:0} s  sent {sent,10:N0}  durable {acked,10:N0}  last 10 s {ackedLast10 / 10.0,8:N0}/s p99 {p99,6:0} ms  in flight {s.InFlight,4}  studio CPU {s.ServerCpuPercent,4:0} % RSS {s.ServerRss / 1048576.0,5:0} MB  machine {s.MachineCpuPercent,3:0} %  load {s.LoadAverage:0.00}  fsync max {s.FsyncMaxMs,4:0} ms  db+wal {(s.DbBytes + s.WalBytes) / 1048576.0,6:0} MB  retries {Volatile.Read(ref _retries)}"));
    }
}
