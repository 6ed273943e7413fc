using System.Threading.Channels;

namespace CustomerStudio.Core.Ingestion;

/// <summary>
/// In-process notification of newly stored events (customer, type), published after each ingestion commit. Real-time
/// tags read it now; journey triggers will. A subscriber that falls behind loses the oldest notifications, never
/// blocks ingestion — it then recomputes from the database, which holds every event anyway.
/// </summary>
public sealed class EventFeed
{
    private readonly List<Channel<IReadOnlyList<(long CustomerId, string Type)>>> _subscribers = [];
    private readonly Lock _lock = new();

    public ChannelReader<IReadOnlyList<(long CustomerId, string Type)>> Subscribe(int capacity = 1_000)
    {
        var channel = Channel.CreateBounded<IReadOnlyList<(long, string)>>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock) _subscribers.Add(channel);
        return channel.Reader;
    }

    public void Publish(IReadOnlyList<(long CustomerId, string Type)> events)
    {
        lock (_lock)
            foreach (var subscriber in _subscribers)
                subscriber.Writer.TryWrite(events);
    }
}
