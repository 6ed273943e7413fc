using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerStudio.Core.Data;

/// <summary>Stores DateTime as UTC and marks values read back as UTC, whatever the provider returns.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
