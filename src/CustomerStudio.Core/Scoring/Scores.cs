using CustomerStudio.Core.Customers;

namespace CustomerStudio.Core.Scoring;

/// <summary>Latest RFM figures and quintile scores per customer.</summary>
public class RfmScore
{
    public long CustomerId { get; set; }
    public int RecencyDays { get; set; }
    public int Frequency { get; set; }
    public decimal Monetary { get; set; }
    public byte R { get; set; }
    public byte F { get; set; }
    public byte M { get; set; }
    public string Segment { get; set; } = "";
    public DateTime ComputedAt { get; set; }
}

/// <summary>A model's score for one customer (churn risk, propensity...).</summary>
public class PredictiveScore
{
    public long CustomerId { get; set; }
    public int ModelId { get; set; }
    public double Score { get; set; }
    public string? TopFeaturesJson { get; set; }
    public DateTime ComputedAt { get; set; }
}

public class PredictiveModel
{
    public int Id { get; set; }
    public int? TagId { get; set; }
    public string Name { get; set; } = "";
    public int Version { get; set; }
    public double? Auc { get; set; }
    public string? MetricsJson { get; set; }
    public byte[]? ModelBlob { get; set; }
    public DateTime TrainedAt { get; set; }
}

public class LeadScoreChange
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public int Points { get; set; }
    public int Total { get; set; }
    public string Reason { get; set; } = "";
    public DateTime At { get; set; }
}

public class LifecycleChange
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public LifecycleStage From { get; set; }
    public LifecycleStage To { get; set; }
    public string? Reason { get; set; }
    public string? By { get; set; }
    public DateTime At { get; set; }
}

public enum SalesTaskStatus { Open = 0, Done = 1, Cancelled = 2 }

public class SalesTask
{
    public long Id { get; set; }
    public long CustomerId { get; set; }
    public string? OwnerId { get; set; }
    public string Title { get; set; } = "";
    public string? Details { get; set; }
    public SalesTaskStatus Status { get; set; }
    public DateTime? DueAt { get; set; }
    public DateTime CreatedAt { get; set; }
}
