using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CustomerStudio.Web.Features.Diagnostics;

/// <summary>How many Blazor circuits the process holds right now (connected or disconnected but not yet released).</summary>
public sealed class CircuitCounter
{
    private int _open;

    public int Open => Volatile.Read(ref _open);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);
}

/// <summary>One per circuit (scoped, as Blazor resolves circuit handlers from the circuit's scope); counts into the singleton.</summary>
internal sealed class CountingCircuitHandler(CircuitCounter counter) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Opened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        counter.Closed();
        return Task.CompletedTask;
    }
}
