namespace CustomerStudio.Core.Demo;

/// <summary>Size and randomness of the demo workspace; the same options always produce the same data.</summary>
public sealed record DemoSeedOptions
{
    public int Customers { get; init; } = 20_000;
    public int Events { get; init; } = 200_000;
    public int Orders { get; init; } = 30_000;
    public int Seed { get; init; } = 20261124;

    /// <summary>End of the 18-month history (UTC); null means today at 00:00 UTC, so the data only changes once a day.</summary>
    public DateTime? Now { get; init; }

    /// <summary>Tests only: use the Entity Framework insert path even on SQLite.</summary>
    internal bool ForceEntityFramework { get; init; }

    internal DateTime ResolveNow()
    {
        if (Now is not { } now) return DateTime.UtcNow.Date;
        var utc = now.Kind switch
        {
            DateTimeKind.Local => now.ToUniversalTime(),
            _ => DateTime.SpecifyKind(now, DateTimeKind.Utc),
        };
        // Whole seconds keep every generated timestamp exactly representable everywhere.
        return new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }
}

/// <summary>What a seed run wrote; <see cref="Skipped"/> when the workspace was already seeded or had customers.</summary>
public sealed record DemoSeedResult(
    bool Skipped,
    int Customers,
    int Identities,
    int Events,
    int EventProperties,
    int Orders,
    int OrderLines,
    int TagCategories,
    int Tags,
    int TagValues,
    int TagAssignments,
    int Households,
    int Companies,
    int AccountMembers,
    TimeSpan Elapsed)
{
    internal static DemoSeedResult NothingDone(TimeSpan elapsed) => new(true, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, elapsed);
}
