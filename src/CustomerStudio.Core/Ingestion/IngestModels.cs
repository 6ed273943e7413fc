using System.Text.Json;

namespace CustomerStudio.Core.Ingestion;

/// <summary>How an incoming record names its customer: the studio id, or any identity (normalized like imports).</summary>
public sealed record CustomerRef(long? Id = null, string? ExternalId = null, string? Phone = null, string? Email = null,
    string? WechatOpenId = null, string? WechatUnionId = null);

/// <summary>A customer to create or update (upsert by identity); fields given overwrite, fields left out stay.</summary>
public sealed record IncomingCustomer(
    string? ExternalId = null, string? Phone = null, string? Email = null, string? WechatOpenId = null, string? WechatUnionId = null,
    string? Name = null, string? Gender = null, string? BirthDate = null, string? Province = null, string? City = null,
    string? Company = null, string? Industry = null, string? SourceChannel = null);

/// <summary>Something a customer did: type, when, where, and free properties (strings, numbers, booleans).</summary>
public sealed record IncomingEvent(CustomerRef? Customer, string? Type, DateTime? OccurredAt = null, string? Channel = null,
    Dictionary<string, JsonElement>? Properties = null);

public sealed record IncomingOrderLine(string? Sku, string? Name = null, decimal Quantity = 1, decimal UnitPrice = 0);

/// <summary>An order; its number is its natural key, so an order sent twice is stored once.</summary>
public sealed record IncomingOrder(CustomerRef? Customer, string? OrderNo, DateTime? OrderedAt = null, decimal? Amount = null,
    string? Currency = null, string? Status = null, string? Channel = null, IReadOnlyList<IncomingOrderLine>? Lines = null);

/// <summary>One item of a batch that was not stored, and why: <c>Path</c> is relative to the item (<c>customer.phone</c>).</summary>
public sealed record IngestItemError(int Index, string Path, string Code, string Message);

/// <summary>
/// What a call stored: how many items, how many customers it created or updated, how many customers were merged into
/// the ones it named because an item carried identities of both, and each refused item.
/// </summary>
public sealed record IngestResult(int Received, int Accepted, int CustomersCreated, int CustomersUpdated, int Duplicates,
    IReadOnlyList<IngestItemError> Errors, int CustomersMerged = 0);
