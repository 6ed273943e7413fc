namespace CustomerStudio.Core.Imports.Cleansing;

/// <summary>
/// A cleansed value, or why the raw value was refused (<see cref="Error"/> is a message code; <see cref="Args"/> fill
/// it). Empty input is neither: it is a missing value.
/// </summary>
public readonly record struct Cleaned<T>(T? Value, string? Error, params string[] Args)
{
    public bool IsEmpty => Value is null && Error is null;
    public bool Ok => Error is null;

    public static Cleaned<T> Empty => new(default, null);
    public static Cleaned<T> Of(T value) => new(value, null);
    public static Cleaned<T> Refused(string error, params string[] args) => new(default, error, args);
}
