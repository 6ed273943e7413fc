using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Workspace;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CustomerStudio.Core.Data;

public class StudioDbContext(DbContextOptions<StudioDbContext> options)
    : IdentityDbContext<StudioUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    /// <summary>The web nodes' shared key ring (sign-in cookies, antiforgery): every node of a deployment reads the same keys.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerIdentity> CustomerIdentities => Set<CustomerIdentity>();
    public DbSet<CustomFieldDefinition> CustomFields => Set<CustomFieldDefinition>();
    public DbSet<CustomFieldValue> CustomFieldValues => Set<CustomFieldValue>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<AccountMember> AccountMembers => Set<AccountMember>();
    public DbSet<CustomerEvent> Events => Set<CustomerEvent>();
    public DbSet<EventProperty> EventProperties => Set<EventProperty>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<TagCategory> TagCategories => Set<TagCategory>();
    public DbSet<Tag> Tags => Set<Tag>();
    public DbSet<TagValue> TagValues => Set<TagValue>();
    public DbSet<TagRevision> TagRevisions => Set<TagRevision>();
    public DbSet<TagAssignment> TagAssignments => Set<TagAssignment>();
    public DbSet<TagAssignmentHistory> TagAssignmentHistory => Set<TagAssignmentHistory>();
    public DbSet<TagCoverageSnapshot> TagCoverageSnapshots => Set<TagCoverageSnapshot>();

    public DbSet<Segment> Segments => Set<Segment>();
    public DbSet<SegmentMembership> SegmentMemberships => Set<SegmentMembership>();
    public DbSet<SegmentMembershipLog> SegmentMembershipLog => Set<SegmentMembershipLog>();
    public DbSet<SegmentSizeSnapshot> SegmentSizeSnapshots => Set<SegmentSizeSnapshot>();

    public DbSet<Journey> Journeys => Set<Journey>();
    public DbSet<JourneyVersion> JourneyVersions => Set<JourneyVersion>();
    public DbSet<JourneyInstance> JourneyInstances => Set<JourneyInstance>();
    public DbSet<JourneyStepLog> JourneyStepLog => Set<JourneyStepLog>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<JourneyTriggerState> JourneyTriggerStates => Set<JourneyTriggerState>();

    public DbSet<InstalledTemplate> InstalledTemplates => Set<InstalledTemplate>();
    public DbSet<EmailTemplate> EmailTemplates => Set<EmailTemplate>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();
    public DbSet<ImportRowError> ImportRowErrors => Set<ImportRowError>();
    public DbSet<SavedMapping> SavedMappings => Set<SavedMapping>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    public DbSet<RfmScore> RfmScores => Set<RfmScore>();
    public DbSet<PredictiveModel> PredictiveModels => Set<PredictiveModel>();
    public DbSet<PredictiveScore> PredictiveScores => Set<PredictiveScore>();
    public DbSet<LeadScoreChange> LeadScoreChanges => Set<LeadScoreChange>();
    public DbSet<LifecycleChange> LifecycleChanges => Set<LifecycleChange>();
    public DbSet<SalesTask> SalesTasks => Set<SalesTask>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<WorkspaceSettings> WorkspaceSettings => Set<WorkspaceSettings>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC: stored as such and read back with Kind = Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(18, 4);
        if (Database.IsSqlite())
        {
            // SQLite keeps decimal as TEXT, which sorts and sums wrongly; REAL keeps ranges and sums in SQL.
            configurationBuilder.Properties<decimal>().HaveConversion<double>();
            configurationBuilder.Properties<decimal?>().HaveConversion<double?>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(StudioDbContext).Assembly);
    }
}
