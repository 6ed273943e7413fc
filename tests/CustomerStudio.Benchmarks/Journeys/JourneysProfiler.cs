using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>
/// Where <c>JourneyEngine.AdvanceDueAsync</c> spends its time, from the commands it sends through EF (a read counts
/// until its reader is disposed) and its batch transaction. The step rows and outbox messages go in through
/// <c>ModelBulkInsert</c> on the raw connection, so "bulk insert + commit" is the time from the transaction's last EF
/// command to its commit; "walk" is the time from the transaction's start to the first instance write-back, less the
/// EF commands in between (node lookups); the rest of the total is EF and the engine between commands.
/// </summary>
public sealed class JourneysProfiler : DbCommandInterceptor, IDbTransactionInterceptor
{
    public enum Part { ClaimSelect, ClaimUpdate, ReadClaimed, BatchReads, NodeQueries, Walk, WriteBack, BulkAndCommit, Other }

    public static readonly string[] Titles =
    [
        "claim: select due ids", "claim: UPDATE … SET ClaimedBy", "read the claimed instances", "batch reads (settings, journeys, customers)",
        "node queries inside the walk (template, caps)", "walk in memory (graph, payloads)", "write the instances back (one UPDATE per resulting state)",
        "bulk insert step rows + outbox, commit", "other SQL",
    ];

    private readonly Dictionary<DbCommand, (long Start, Part Part)> _open = [];
    private readonly double[] _ms = new double[Titles.Length];
    private readonly int[] _count = new int[Titles.Length];
    private long _txStart, _lastEfEnd, _firstWriteBack;
    private double _efInWalk;
    private bool _inTx;
    private long _start;
    public int Batches { get; private set; }
    /// <summary>The first command text of each part (printed to the console with the profile).</summary>
    public Dictionary<Part, string> FirstSql { get; } = [];

    public void Start()
    {
        Array.Clear(_ms);
        Array.Clear(_count);
        _open.Clear();
        FirstSql.Clear();
        Batches = 0;
        _start = Stopwatch.GetTimestamp();
    }

    public (double[] Ms, int[] Count, double Total) Stop() => ((double[])_ms.Clone(), (int[])_count.Clone(), Stopwatch.GetElapsedTime(_start).TotalMilliseconds);

    private Part Classify(string sql)
    {
        var t = sql.TrimStart();
        if (t.StartsWith("UPDATE \"JourneyInstances\"", StringComparison.Ordinal))
            return t.Contains("\"AwaitedEvent\"", StringComparison.Ordinal) ? Part.WriteBack : Part.ClaimUpdate;
        if (t.StartsWith("SELECT", StringComparison.Ordinal) && t.Contains("FROM \"JourneyInstances\"", StringComparison.Ordinal))
            return t.Contains("INNER JOIN \"Journeys\"", StringComparison.Ordinal) ? Part.ClaimSelect : Part.ReadClaimed;
        if (_inTx) return Part.NodeQueries;
        if (t.StartsWith("SELECT", StringComparison.Ordinal)) return Part.BatchReads;
        return Part.Other;
    }

    private void Begin(DbCommand command)
    {
        var part = Classify(command.CommandText);
        var now = Stopwatch.GetTimestamp();
        if (part == Part.WriteBack && _firstWriteBack == 0) _firstWriteBack = now;
        FirstSql.TryAdd(part, command.CommandText);
        _open[command] = (now, part);
    }

    private void End(DbCommand command)
    {
        if (!_open.Remove(command, out var o)) return;
        var now = Stopwatch.GetTimestamp();
        var ms = Stopwatch.GetElapsedTime(o.Start, now).TotalMilliseconds;
        _ms[(int)o.Part] += ms;
        _count[(int)o.Part]++;
        if (_inTx)
        {
            _lastEfEnd = now;
            if (_firstWriteBack == 0) _efInWalk += ms;
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Begin(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Begin(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        End(command);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Begin(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Begin(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        End(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Begin(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Begin(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        End(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        End(command);
        return ValueTask.FromResult(result);
    }

    private void Started()
    {
        _txStart = _lastEfEnd = Stopwatch.GetTimestamp();
        _firstWriteBack = 0;
        _efInWalk = 0;
        _inTx = true;
    }

    private void Committed()
    {
        var now = Stopwatch.GetTimestamp();
        var walkEnd = _firstWriteBack == 0 ? _lastEfEnd : _firstWriteBack;
        _ms[(int)Part.Walk] += Math.Max(0, Stopwatch.GetElapsedTime(_txStart, walkEnd).TotalMilliseconds - _efInWalk);
        _ms[(int)Part.BulkAndCommit] += Stopwatch.GetElapsedTime(_lastEfEnd, now).TotalMilliseconds;
        _count[(int)Part.Walk]++;
        _count[(int)Part.BulkAndCommit]++;
        _inTx = false;
        Batches++;
    }

    DbTransaction IDbTransactionInterceptor.TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Started();
        return result;
    }

    ValueTask<DbTransaction> IDbTransactionInterceptor.TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken)
    {
        Started();
        return ValueTask.FromResult(result);
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed();

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        Committed();
        return Task.CompletedTask;
    }
}
