namespace CustomerStudio.Core.Customers;

public class CustomerEvent
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string Type { get; set; } = "";
    public DateTime OccurredAt { get; set; }
    public string? Channel { get; set; }
    /// <summary>The properties as sent, for display; filters use <see cref="EventProperty"/>.</summary>
    public string? PropertiesJson { get; set; }
    public DateTime ReceivedAt { get; set; }
    public List<EventProperty> Properties { get; set; } = [];
}

/// <summary>Event properties as rows so that conditions filter them with plain indexed SQL on every provider.</summary>
public class EventProperty
{
    public long EventId { get; set; }
    public string Key { get; set; } = "";
    public string? Value { get; set; }
}

public enum OrderStatus { Paid = 0, Pending = 1, Cancelled = 2, Refunded = 3 }

public class Order
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string OrderNo { get; set; } = "";
    public DateTime OrderedAt { get; set; }
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "CNY";
    public OrderStatus Status { get; set; }
    public string? Channel { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

public class OrderLine
{
    public long Id { get; set; }
    public long OrderId { get; set; }
    public string Sku { get; set; } = "";
    public string? Name { get; set; }
    public decimal Quantity { get; set; }
    public decimal UnitPrice { get; set; }
}
