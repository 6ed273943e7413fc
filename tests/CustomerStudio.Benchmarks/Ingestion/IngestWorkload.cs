using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace CustomerStudio.Benchmarks.Ingestion;

public enum EventKind : byte { PageView, Search, AppOpen, AddToCart, DemoRequest }

/// <summary>
/// One generated event. <see cref="Customer"/> ≥ 0 is the index of an external id, &lt; 0 names demo customer
/// <c>-1 - Customer</c> by phone. Its <c>occurredAt</c> is <c>base + Seq × step</c>: unique per event, so the stored
/// rows can be matched back to what was sent one by one.
/// </summary>
public readonly record struct GeneratedEvent(long Seq, int Customer, EventKind Kind, string Channel,
    string Key1, string Value1, string? Key2, string? Value2, bool Value2IsNumber);

/// <summary>A batch as sent: its events, its JSON body and its Idempotency-Key (the same on every retry).</summary>
public sealed class IngestBatch(int index, GeneratedEvent[] events, byte[]? json, string idempotencyKey)
{
    public int Index { get; } = index;
    public GeneratedEvent[] Events { get; } = events;
    public byte[]? Json { get; } = json;
    public string IdempotencyKey { get; } = idempotencyKey;
}

/// <summary>What to generate. <see cref="StepTicks"/> spaces the events' occurredAt so they span the run at the offered rate.</summary>
public sealed record WorkloadSpec(int Seed, string Prefix, int Customers, double DemoShare, long TotalEvents, int BatchSize,
    DateTime BaseTime, long StepTicks, string KeyPrefix);

/// <summary>
/// Deterministic event stream (same spec, same demo phones → same events, batch by batch), generated in order:
/// a share of events names a demo customer by phone; the rest name external ids, of which new ones appear at a
/// constant probability all through the run (so every batch mixes existing customers with new ones) and known ones
/// are picked with a skew towards the earliest (the busiest customers). Types: page_view 55 % (path, sometimes
/// utm_source), app_open 15 % (app_version), add_to_cart 13 % (sku, numeric price), search 12 % (query),
/// demo_request 5 % (plan).
/// </summary>
public sealed class IngestWorkload
{
    private static readonly string[] Paths =
        ["/", "/", "/pricing", "/pricing", "/features", "/features", "/docs/api", "/blog/cdp-guide", "/customers", "/signup", "/contact", "/zh/产品"];
    private static readonly string[] Sources = ["wechat", "baidu", "newsletter", "linkedin", "zhihu"];
    private static readonly string[] Queries = ["crm", "标签", "pricing", "导入", "segment", "api key", "微信", "export"];
    private static readonly string[] Versions = ["3.2.1", "3.3.0", "3.3.1"];
    private static readonly string[] Plans = ["pro", "enterprise", "team"];
    private static readonly string[] Prices = ["49", "99", "199", "299", "999"];
    private static readonly string[] Skus = Enumerable.Range(0, 500).Select(i => $"SKU-{i:D4}").ToArray();
    public static readonly string[] TypeNames = ["page_view", "search", "app_open", "add_to_cart", "demo_request"];

    private readonly WorkloadSpec _spec;
    private readonly IReadOnlyList<string> _demoPhones;
    private readonly Random _rng;
    private readonly double _newShare;
    private readonly bool _track;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 17);
    private long _next;
    private int _batch;

    /// <summary>Per sequence number: the customer and type sent (only when tracking, for the verification).</summary>
    public int[]? CustomerOf { get; }
    public byte[]? KindOf { get; }
    /// <summary>External ids named so far: 0 … Issued-1.</summary>
    public int Issued { get; private set; }
    public long Properties { get; private set; }
    public long DemoEvents { get; private set; }
    public int Batches => (int)((_spec.TotalEvents + _spec.BatchSize - 1) / _spec.BatchSize);
    public WorkloadSpec Spec => _spec;

    public IngestWorkload(WorkloadSpec spec, IReadOnlyList<string> demoPhones, bool track)
    {
        _spec = spec;
        _demoPhones = demoPhones;
        _rng = new Random(spec.Seed);
        _track = track;
        var named = spec.TotalEvents * (demoPhones.Count > 0 ? 1 - spec.DemoShare : 1);
        _newShare = Math.Min(1, spec.Customers / Math.Max(1, named));
        if (track)
        {
            CustomerOf = new int[spec.TotalEvents];
            KindOf = new byte[spec.TotalEvents];
        }
    }

    public string ExternalId(int index) => _spec.Prefix + index.ToString("D7", CultureInfo.InvariantCulture);

    public string DemoPhone(int customer) => _demoPhones[-1 - customer];

    public DateTime OccurredAt(long seq) => _spec.BaseTime.AddTicks(seq * _spec.StepTicks);

    /// <summary>The next batch in order, or null after the last.</summary>
    public IngestBatch? Next(bool json)
    {
        if (_next >= _spec.TotalEvents) return null;
        var count = (int)Math.Min(_spec.BatchSize, _spec.TotalEvents - _next);
        var events = new GeneratedEvent[count];
        for (var i = 0; i < count; i++) events[i] = Event(_next++);
        var index = _batch++;
        return new IngestBatch(index, events, json ? Json(events) : null, _spec.KeyPrefix + index.ToString(CultureInfo.InvariantCulture));
    }

    private GeneratedEvent Event(long seq)
    {
        int customer;
        if (_demoPhones.Count > 0 && _rng.NextDouble() < _spec.DemoShare)
        {
            customer = -1 - _rng.Next(_demoPhones.Count);
            DemoEvents++;
        }
        else if (Issued < _spec.Customers && (Issued == 0 || _rng.NextDouble() < _newShare))
        {
            customer = Issued++;
        }
        else
        {
            var u = _rng.NextDouble();
            customer = Math.Min(Issued - 1, (int)(Issued * u * u));
        }

        var k = _rng.NextDouble();
        var kind = k switch { < 0.55 => EventKind.PageView, < 0.70 => EventKind.AppOpen, < 0.83 => EventKind.AddToCart, < 0.95 => EventKind.Search, _ => EventKind.DemoRequest };
        var c = _rng.NextDouble();
        GeneratedEvent e = kind switch
        {
            EventKind.PageView => new(seq, customer, kind, c < 0.6 ? "web" : c < 0.85 ? "wechat" : "mini_program",
                "path", Pick(Paths), _rng.NextDouble() < 0.25 ? "utm_source" : null, null, false),
            EventKind.AppOpen => new(seq, customer, kind, "app", "app_version", Pick(Versions), null, null, false),
            EventKind.AddToCart => new(seq, customer, kind, c < 0.5 ? "web" : c < 0.8 ? "app" : "mini_program",
                "sku", Skus[(int)(Skus.Length * Math.Pow(_rng.NextDouble(), 2))], "price", Pick(Prices), true),
            EventKind.Search => new(seq, customer, kind, c < 0.7 ? "web" : "app", "query", Pick(Queries), null, null, false),
            _ => new(seq, customer, kind, "web", "plan", Pick(Plans), null, null, false),
        };
        if (e.Key2 == "utm_source") e = e with { Value2 = Pick(Sources) };
        Properties += e.Key2 is null ? 1 : 2;
        if (_track)
        {
            CustomerOf![seq] = customer;
            KindOf![seq] = (byte)kind;
        }
        return e;
    }

    private string Pick(string[] values) => values[_rng.Next(values.Length)];

    /// <summary>The body of POST /api/ingest/events, as a client library would send it.</summary>
    private byte[] Json(GeneratedEvent[] events)
    {
        _buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_buffer))
        {
            w.WriteStartArray();
            foreach (var e in events)
            {
                w.WriteStartObject();
                w.WriteStartObject("customer");
                if (e.Customer >= 0) w.WriteString("externalId", ExternalId(e.Customer));
                else w.WriteString("phone", DemoPhone(e.Customer));
                w.WriteEndObject();
                w.WriteString("type", TypeNames[(int)e.Kind]);
                w.WriteString("occurredAt", OccurredAt(e.Seq));
                w.WriteString("channel", e.Channel);
                w.WriteStartObject("properties");
                WriteProperties(w, e);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return _buffer.WrittenSpan.ToArray();
    }

    private static void WriteProperties(Utf8JsonWriter w, in GeneratedEvent e)
    {
        w.WriteString(e.Key1, e.Value1);
        if (e.Key2 is null) return;
        if (e.Value2IsNumber) w.WriteNumber(e.Key2, long.Parse(e.Value2!, CultureInfo.InvariantCulture));
        else w.WriteString(e.Key2, e.Value2);
    }

    /// <summary><c>PropertiesJson</c> as the studio stores it (System.Text.Json's default escaping).</summary>
    public static string PropertiesJson(in GeneratedEvent e, ArrayBufferWriter<byte> buffer)
    {
        buffer.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            WriteProperties(w, e);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
