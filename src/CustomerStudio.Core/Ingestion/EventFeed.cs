using System.Threading.Channels;

namespace CustomerStudio.Core.Ingestion;

/// <summary>
/// What arrived: the event types stored, whether orders came, whether customers were created, updated or merged — one
/// ingestion commit's as published, or everything since a subscriber last took it, merged.
/// </summary>
public sealed record DataArrived(IReadOnlyCollection<string> EventTypes, bool Orders, bool Customers)
{
    public bool IsEmpty => EventTypes.Count == 0 && !Orders && !Customers;
}

/// <summary>
/// In-process notification of newly stored data, published after each ingestion commit. Real-time tags read it now;
/// journey triggers may (they sweep the database today). A subscriber that is busy never blocks ingestion and never
/// loses what arrived: notifications merge in its inbox (the set of event types, orders yes/no, customers yes/no) until
/// it takes them.
/// </summary>
public sealed class EventFeed
{
    private readonly List<Inbox> _inboxes = [];
    private readonly Lock _lock = new();

    public Inbox Subscribe()
    {
        var inbox = new Inbox();
        lock (_lock) _inboxes.Add(inbox);
        return inbox;
    }

    public void Publish(DataArrived arrived)
    {
        if (arrived.IsEmpty) return;
        lock (_lock)
            foreach (var inbox in _inboxes)
                inbox.Add(arrived);
    }

    /// <summary>One subscriber's merged notifications.</summary>
    public sealed class Inbox
    {
        private readonly Lock _lock = new();
        private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
        private HashSet<string> _types = new(StringComparer.Ordinal);
        private bool _orders;
        private bool _customers;

        internal void Add(DataArrived arrived)
        {
            lock (_lock)
            {
                _types.UnionWith(arrived.EventTypes);
                _orders |= arrived.Orders;
                _customers |= arrived.Customers;
            }
            _signal.Writer.TryWrite(true);
        }

        /// <summary>Waits until something arrived that was not taken yet (it may already have been: then Take is empty).</summary>
        public ValueTask<bool> WaitAsync(CancellationToken ct) => _signal.Reader.WaitToReadAsync(ct);

        /// <summary>Everything that arrived since the last take.</summary>
        public DataArrived Take()
        {
            _signal.Reader.TryRead(out _);
            lock (_lock)
            {
                var taken = new DataArrived(_types, _orders, _customers);
                (_types, _orders, _customers) = (new HashSet<string>(StringComparer.Ordinal), false, false);
                return taken;
            }
        }
    }
}
