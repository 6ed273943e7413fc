using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CustomerStudio.Benchmarks.Tags;

/// <summary>Where one engine recompute spent its time, in milliseconds.</summary>
public sealed record RecomputePhases(double Rules, double LoadCurrent, double Delete, double Insert, double Coverage, double OtherSql, double InMemory, double Total)
{
    public static RecomputePhases Median(IReadOnlyList<RecomputePhases> runs)
    {
        double M(Func<RecomputePhases, double> f)
        {
            var s = runs.Select(f).Order().ToArray();
            return s.Length == 0 ? double.NaN : s[(s.Length - 1) / 2];
        }
        return new(M(p => p.Rules), M(p => p.LoadCurrent), M(p => p.Delete), M(p => p.Insert), M(p => p.Coverage), M(p => p.OtherSql), M(p => p.InMemory), M(p => p.Total));
    }
}

/// <summary>
/// Times the commands a <c>TagRuleEngine.RecomputeAsync</c> sends through its <c>DbContext</c> (a read counts until its
/// reader is disposed, i.e. with the rows materialized) and its write transaction. The bulk insert of assignments and
/// history runs on the raw connection, so it is the transaction's time minus the deletes EF sent inside it; what is
/// left of the total is work in memory (compiling, matching, the diff) and EF overhead between commands.
/// </summary>
public sealed class RecomputeProfiler : DbCommandInterceptor, IDbTransactionInterceptor
{
    private enum Kind { Rules, LoadCurrent, Delete, Coverage, Other }

    private readonly Dictionary<DbCommand, (long Start, Kind Kind)> _open = [];
    private readonly double[] _ms = new double[5];
    private long _txStart;
    private double _txMs;
    private long _start;

    /// <summary>The SQL of the rule queries of the last recompute, with their parameters (for --plans).</summary>
    public List<(string Sql, List<(string Name, object? Value)> Parameters)> RuleCommands { get; } = [];

    public void Start()
    {
        Array.Clear(_ms);
        _open.Clear();
        _txMs = 0;
        RuleCommands.Clear();
        _start = Stopwatch.GetTimestamp();
    }

    public RecomputePhases Stop()
    {
        var total = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        var delete = _ms[(int)Kind.Delete];
        var insert = Math.Max(0, _txMs - delete);
        var sql = _ms.Sum() + insert;
        return new RecomputePhases(_ms[(int)Kind.Rules], _ms[(int)Kind.LoadCurrent], delete, insert, _ms[(int)Kind.Coverage],
            _ms[(int)Kind.Other], Math.Max(0, total - sql), total);
    }

    private static Kind Classify(string sql)
    {
        var text = sql.TrimStart();
        if (text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)) return Kind.Delete;
        if (text.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
        {
            if (text.Contains("FROM \"Customers\"", StringComparison.Ordinal)) return Kind.Rules;
            if (text.Contains("FROM \"TagAssignments\"", StringComparison.Ordinal))
                return text.Contains("COUNT(", StringComparison.OrdinalIgnoreCase) ? Kind.Coverage : Kind.LoadCurrent;
        }
        return Kind.Other;
    }

    private void Begin(DbCommand command)
    {
        var kind = Classify(command.CommandText);
        if (kind == Kind.Rules)
            RuleCommands.Add((command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList()));
        _open[command] = (Stopwatch.GetTimestamp(), kind);
    }

    private void End(DbCommand command)
    {
        if (!_open.Remove(command, out var o)) return;
        _ms[(int)o.Kind] += Stopwatch.GetElapsedTime(o.Start).TotalMilliseconds;
    }

    // Readers: from execution until the reader is disposed (rows read).
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

    // The write transaction: deletes (EF), then the bulk insert on the raw connection, then the commit.
    DbTransaction IDbTransactionInterceptor.TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        _txStart = Stopwatch.GetTimestamp();
        return result;
    }

    ValueTask<DbTransaction> IDbTransactionInterceptor.TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken)
    {
        _txStart = Stopwatch.GetTimestamp();
        return ValueTask.FromResult(result);
    }

    void IDbTransactionInterceptor.TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        _txMs += Stopwatch.GetElapsedTime(_txStart).TotalMilliseconds;

    Task IDbTransactionInterceptor.TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken)
    {
        _txMs += Stopwatch.GetElapsedTime(_txStart).TotalMilliseconds;
        return Task.CompletedTask;
    }
}
