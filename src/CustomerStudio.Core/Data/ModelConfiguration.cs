using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Imports;
using CustomerStudio.Core.Journeys;
using CustomerStudio.Core.Scoring;
using CustomerStudio.Core.Security;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using CustomerStudio.Core.Templates;
using CustomerStudio.Core.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerStudio.Core.Data;

// Key columns that are indexed get a bounded length so that SQL Server can index them (≤ 900 bytes).
internal static class Len
{
    public const int Code = 64;
    public const int Name = 200;
    public const int Value = 256;
    public const int UserId = 450;
}

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.Property(x => x.Province).HasMaxLength(Len.Code);
        b.Property(x => x.City).HasMaxLength(Len.Code);
        b.Property(x => x.Phone).HasMaxLength(32);
        b.Property(x => x.Email).HasMaxLength(Len.Value);
        b.Property(x => x.SourceChannel).HasMaxLength(Len.Code);
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.Property(x => x.Company).HasMaxLength(Len.Name);
        b.Property(x => x.Industry).HasMaxLength(Len.Code);
        b.Property(x => x.CompanySize).HasMaxLength(Len.Code);
        b.HasIndex(x => x.Province);
        b.HasIndex(x => new { x.Province, x.City });
        b.HasIndex(x => x.LifecycleStage);
        b.HasIndex(x => x.OwnerId);
        b.HasIndex(x => x.SourceChannel);
        b.HasIndex(x => x.BirthDate);
        b.HasIndex(x => x.CreatedAt);
        b.HasIndex(x => x.MergedIntoId);
        b.HasMany(x => x.Identities).WithOne().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.CustomFieldValues).WithOne().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerIdentityConfiguration : IEntityTypeConfiguration<CustomerIdentity>
{
    public void Configure(EntityTypeBuilder<CustomerIdentity> b)
    {
        b.Property(x => x.Value).HasMaxLength(Len.Value).IsRequired();
        b.HasIndex(x => new { x.Kind, x.Value }).IsUnique();
        b.HasIndex(x => x.CustomerId);
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.NameZh).HasMaxLength(Len.Name);
        b.Property(x => x.NameEn).HasMaxLength(Len.Name);
        b.Property(x => x.SchemaVersion).HasMaxLength(16).HasDefaultValue("1.0");
        b.HasIndex(x => x.Code).IsUnique();
    }
}

internal sealed class CustomFieldValueConfiguration : IEntityTypeConfiguration<CustomFieldValue>
{
    public void Configure(EntityTypeBuilder<CustomFieldValue> b)
    {
        b.HasKey(x => new { x.CustomerId, x.FieldId });
        b.Property(x => x.TextValue).HasMaxLength(Len.Value);
        b.HasOne<CustomFieldDefinition>().WithMany().HasForeignKey(x => x.FieldId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.FieldId, x.TextValue });
        b.HasIndex(x => new { x.FieldId, x.NumberValue });
        b.HasIndex(x => new { x.FieldId, x.DateValue });
        b.HasIndex(x => new { x.FieldId, x.BoolValue });
    }
}

internal sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> b)
    {
        b.Property(x => x.Name).HasMaxLength(Len.Name).IsRequired();
        b.Property(x => x.Industry).HasMaxLength(Len.Code);
        b.Property(x => x.Size).HasMaxLength(Len.Code);
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.HasMany(x => x.Members).WithOne().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.Name);
    }
}

internal sealed class AccountMemberConfiguration : IEntityTypeConfiguration<AccountMember>
{
    public void Configure(EntityTypeBuilder<AccountMember> b)
    {
        b.HasKey(x => new { x.AccountId, x.CustomerId });
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.CustomerId, x.Role });
    }
}

internal sealed class CustomerEventConfiguration : IEntityTypeConfiguration<CustomerEvent>
{
    public void Configure(EntityTypeBuilder<CustomerEvent> b)
    {
        b.Property(x => x.Type).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Channel).HasMaxLength(Len.Code);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Properties).WithOne().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        // Window queries per customer, and per type across the workspace; the second one carries the customer so that
        // "who did T since …" (conditions with a short window) is read from the index alone.
        b.HasIndex(x => new { x.CustomerId, x.Type, x.OccurredAt });
        b.HasIndex(x => new { x.Type, x.OccurredAt, x.CustomerId });
    }
}

internal sealed class EventPropertyConfiguration : IEntityTypeConfiguration<EventProperty>
{
    public void Configure(EntityTypeBuilder<EventProperty> b)
    {
        b.HasKey(x => new { x.EventId, x.Key });
        b.Property(x => x.Key).HasMaxLength(Len.Code);
        b.Property(x => x.Value).HasMaxLength(Len.Value);
        // Carries the event so that "events whose property equals …" is read from the index alone.
        b.HasIndex(x => new { x.Key, x.Value, x.EventId });
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.Property(x => x.OrderNo).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Channel).HasMaxLength(Len.Code);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.OrderId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.CustomerId, x.OrderedAt });
        b.HasIndex(x => x.OrderedAt);
        b.HasIndex(x => x.OrderNo).IsUnique();
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> b)
    {
        b.Property(x => x.Sku).HasMaxLength(Len.Code);
        b.Property(x => x.Name).HasMaxLength(Len.Value);
    }
}

internal sealed class TagCategoryConfiguration : IEntityTypeConfiguration<TagCategory>
{
    public void Configure(EntityTypeBuilder<TagCategory> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.NameZh).HasMaxLength(Len.Name);
        b.Property(x => x.NameEn).HasMaxLength(Len.Name);
        b.Property(x => x.EditorRoles).HasMaxLength(Len.Value);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasMany(x => x.Children).WithOne().HasForeignKey(x => x.ParentId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(x => x.Tags).WithOne().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class TagConfiguration : IEntityTypeConfiguration<Tag>
{
    public void Configure(EntityTypeBuilder<Tag> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.NameZh).HasMaxLength(Len.Name);
        b.Property(x => x.NameEn).HasMaxLength(Len.Name);
        b.Property(x => x.DataSource).HasMaxLength(Len.Name);
        b.Property(x => x.ValueFormat).HasMaxLength(Len.Code);
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.Property(x => x.SchemaVersion).HasMaxLength(16);
        b.HasIndex(x => x.Code).IsUnique();
        b.HasIndex(x => new { x.CategoryId, x.SortOrder });
        b.HasIndex(x => x.Status);
        b.HasMany(x => x.Values).WithOne().HasForeignKey(x => x.TagId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TagValueConfiguration : IEntityTypeConfiguration<TagValue>
{
    public void Configure(EntityTypeBuilder<TagValue> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.NameZh).HasMaxLength(Len.Name);
        b.Property(x => x.NameEn).HasMaxLength(Len.Name);
        b.HasIndex(x => new { x.TagId, x.Code }).IsUnique();
    }
}

internal sealed class TagRevisionConfiguration : IEntityTypeConfiguration<TagRevision>
{
    public void Configure(EntityTypeBuilder<TagRevision> b)
    {
        b.HasOne<Tag>().WithMany().HasForeignKey(x => x.TagId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.TagId, x.Version }).IsUnique();
        b.Property(x => x.SubmittedBy).HasMaxLength(Len.UserId);
        b.Property(x => x.ReviewedBy).HasMaxLength(Len.UserId);
    }
}

internal sealed class TagAssignmentConfiguration : IEntityTypeConfiguration<TagAssignment>
{
    public void Configure(EntityTypeBuilder<TagAssignment> b)
    {
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Tag>().WithMany().HasForeignKey(x => x.TagId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.SourceRef).HasMaxLength(Len.Value);
        b.Property(x => x.AssignedBy).HasMaxLength(Len.UserId);
        b.HasIndex(x => new { x.CustomerId, x.TagId, x.TagValueId }).IsUnique();
        b.HasIndex(x => new { x.TagId, x.TagValueId, x.CustomerId });
        b.HasIndex(x => x.ExpiresAt);
    }
}

internal sealed class TagAssignmentHistoryConfiguration : IEntityTypeConfiguration<TagAssignmentHistory>
{
    public void Configure(EntityTypeBuilder<TagAssignmentHistory> b)
    {
        b.Property(x => x.SourceRef).HasMaxLength(Len.Value);
        b.Property(x => x.By).HasMaxLength(Len.UserId);
        b.HasIndex(x => new { x.CustomerId, x.At });
        b.HasIndex(x => new { x.TagId, x.At });
    }
}

internal sealed class TagCoverageSnapshotConfiguration : IEntityTypeConfiguration<TagCoverageSnapshot>
{
    public void Configure(EntityTypeBuilder<TagCoverageSnapshot> b) => b.HasIndex(x => new { x.TagId, x.At });
}

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Name).HasMaxLength(Len.Name).IsRequired();
        b.Property(x => x.RefreshCron).HasMaxLength(Len.Code);
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.Property(x => x.SchemaVersion).HasMaxLength(16);
        b.HasIndex(x => x.Code).IsUnique();
    }
}

internal sealed class SegmentMembershipConfiguration : IEntityTypeConfiguration<SegmentMembership>
{
    public void Configure(EntityTypeBuilder<SegmentMembership> b)
    {
        b.HasKey(x => new { x.SegmentId, x.CustomerId });
        b.HasOne<Segment>().WithMany().HasForeignKey(x => x.SegmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.CustomerId);
    }
}

internal sealed class SegmentMembershipLogConfiguration : IEntityTypeConfiguration<SegmentMembershipLog>
{
    public void Configure(EntityTypeBuilder<SegmentMembershipLog> b)
    {
        b.HasIndex(x => new { x.SegmentId, x.At });
        b.HasIndex(x => new { x.CustomerId, x.At });
    }
}

internal sealed class SegmentSizeSnapshotConfiguration : IEntityTypeConfiguration<SegmentSizeSnapshot>
{
    public void Configure(EntityTypeBuilder<SegmentSizeSnapshot> b) => b.HasIndex(x => new { x.SegmentId, x.At });
}

internal sealed class JourneyConfiguration : IEntityTypeConfiguration<Journey>
{
    public void Configure(EntityTypeBuilder<Journey> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Name).HasMaxLength(Len.Name).IsRequired();
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.Property(x => x.SchemaVersion).HasMaxLength(16);
        b.HasIndex(x => x.Code).IsUnique();
    }
}

internal sealed class JourneyVersionConfiguration : IEntityTypeConfiguration<JourneyVersion>
{
    public void Configure(EntityTypeBuilder<JourneyVersion> b)
    {
        b.HasOne<Journey>().WithMany().HasForeignKey(x => x.JourneyId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.JourneyId, x.Version }).IsUnique();
        b.Property(x => x.SchemaVersion).HasMaxLength(16);
        b.Property(x => x.PublishedBy).HasMaxLength(Len.UserId);
    }
}

internal sealed class JourneyInstanceConfiguration : IEntityTypeConfiguration<JourneyInstance>
{
    public void Configure(EntityTypeBuilder<JourneyInstance> b)
    {
        b.HasOne<JourneyVersion>().WithMany().HasForeignKey(x => x.JourneyVersionId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.CurrentNodeId).HasMaxLength(Len.Code);
        b.Property(x => x.AwaitedEvent).HasMaxLength(Len.Code);
        b.Property(x => x.ResumePort).HasMaxLength(32);
        b.Property(x => x.ClaimedBy).HasMaxLength(Len.Code);
        b.Property(x => x.Revision).IsConcurrencyToken();
        // Due-timer sweeps, event bookmarks and per-journey node counts.
        b.HasIndex(x => new { x.Status, x.WakeAt });
        b.HasIndex(x => new { x.AwaitedEvent, x.CustomerId });
        b.HasIndex(x => new { x.JourneyId, x.Status, x.CurrentNodeId });
        b.HasIndex(x => new { x.CustomerId, x.JourneyId });
    }
}

internal sealed class JourneyStepLogConfiguration : IEntityTypeConfiguration<JourneyStepLog>
{
    public void Configure(EntityTypeBuilder<JourneyStepLog> b)
    {
        b.Property(x => x.NodeId).HasMaxLength(Len.Code);
        b.Property(x => x.Port).HasMaxLength(Len.Code);
        b.HasIndex(x => x.InstanceId);
        b.HasIndex(x => new { x.JourneyId, x.NodeId, x.Port });
    }
}

internal sealed class JourneyTriggerStateConfiguration : IEntityTypeConfiguration<JourneyTriggerState>
{
    public void Configure(EntityTypeBuilder<JourneyTriggerState> b)
    {
        b.HasKey(x => new { x.JourneyId, x.NodeId });
        b.Property(x => x.NodeId).HasMaxLength(Len.Code);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.Property(x => x.IdempotencyKey).HasMaxLength(Len.Value).IsRequired();
        b.Property(x => x.Channel).HasMaxLength(Len.Code);
        b.Property(x => x.NodeId).HasMaxLength(Len.Code);
        b.HasIndex(x => x.IdempotencyKey).IsUnique();
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => new { x.CustomerId, x.CreatedAt });
    }
}

internal sealed class InstalledTemplateConfiguration : IEntityTypeConfiguration<InstalledTemplate>
{
    public void Configure(EntityTypeBuilder<InstalledTemplate> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Version).HasMaxLength(32);
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.Property(x => x.InstalledBy).HasMaxLength(Len.UserId);
        b.HasIndex(x => x.Code).IsUnique();
    }
}

internal sealed class EmailTemplateConfiguration : IEntityTypeConfiguration<EmailTemplate>
{
    public void Configure(EntityTypeBuilder<EmailTemplate> b)
    {
        b.Property(x => x.Code).HasMaxLength(Len.Code).IsRequired();
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.Property(x => x.Subject).HasMaxLength(Len.Value);
        b.Property(x => x.Language).HasMaxLength(16);
        b.HasIndex(x => new { x.Code, x.Language }).IsUnique();
    }
}

internal sealed class ImportJobConfiguration : IEntityTypeConfiguration<ImportJob>
{
    public void Configure(EntityTypeBuilder<ImportJob> b)
    {
        b.Property(x => x.FileName).HasMaxLength(Len.Value);
        b.Property(x => x.DedupePolicy).HasMaxLength(Len.Code);
        b.Property(x => x.CreatedBy).HasMaxLength(Len.UserId);
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class ImportRowErrorConfiguration : IEntityTypeConfiguration<ImportRowError>
{
    public void Configure(EntityTypeBuilder<ImportRowError> b)
    {
        b.HasOne<ImportJob>().WithMany().HasForeignKey(x => x.ImportJobId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Field).HasMaxLength(Len.Code);
        b.Property(x => x.Code).HasMaxLength(Len.Code);
        b.HasIndex(x => new { x.ImportJobId, x.Line });
    }
}

internal sealed class SavedMappingConfiguration : IEntityTypeConfiguration<SavedMapping>
{
    public void Configure(EntityTypeBuilder<SavedMapping> b) => b.Property(x => x.Name).HasMaxLength(Len.Name);
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(x => new { x.Scope, x.Key });
        b.Property(x => x.Scope).HasMaxLength(Len.Code);
        b.Property(x => x.Key).HasMaxLength(Len.Value);
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class RfmScoreConfiguration : IEntityTypeConfiguration<RfmScore>
{
    public void Configure(EntityTypeBuilder<RfmScore> b)
    {
        b.HasKey(x => x.CustomerId);
        b.HasOne<Customer>().WithOne().HasForeignKey<RfmScore>(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.Property(x => x.Segment).HasMaxLength(Len.Code);
        b.HasIndex(x => x.Segment);
    }
}

internal sealed class PredictiveModelConfiguration : IEntityTypeConfiguration<PredictiveModel>
{
    public void Configure(EntityTypeBuilder<PredictiveModel> b)
    {
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.HasIndex(x => new { x.TagId, x.Version });
    }
}

internal sealed class PredictiveScoreConfiguration : IEntityTypeConfiguration<PredictiveScore>
{
    public void Configure(EntityTypeBuilder<PredictiveScore> b)
    {
        b.HasKey(x => new { x.ModelId, x.CustomerId });
        b.HasOne<PredictiveModel>().WithMany().HasForeignKey(x => x.ModelId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.CustomerId);
    }
}

internal sealed class LeadScoreChangeConfiguration : IEntityTypeConfiguration<LeadScoreChange>
{
    public void Configure(EntityTypeBuilder<LeadScoreChange> b)
    {
        b.Property(x => x.Reason).HasMaxLength(Len.Value);
        b.HasIndex(x => new { x.CustomerId, x.At });
    }
}

internal sealed class LifecycleChangeConfiguration : IEntityTypeConfiguration<LifecycleChange>
{
    public void Configure(EntityTypeBuilder<LifecycleChange> b)
    {
        b.Property(x => x.Reason).HasMaxLength(Len.Value);
        b.Property(x => x.By).HasMaxLength(Len.UserId);
        b.HasIndex(x => new { x.CustomerId, x.At });
    }
}

internal sealed class SalesTaskConfiguration : IEntityTypeConfiguration<SalesTask>
{
    public void Configure(EntityTypeBuilder<SalesTask> b)
    {
        b.Property(x => x.OwnerId).HasMaxLength(Len.UserId);
        b.Property(x => x.Title).HasMaxLength(Len.Value);
        b.HasIndex(x => new { x.OwnerId, x.Status });
        b.HasIndex(x => x.CustomerId);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.Property(x => x.Prefix).HasMaxLength(16);
        b.Property(x => x.KeyHash).HasMaxLength(128);
        b.Property(x => x.Scopes).HasMaxLength(Len.Value);
        b.Property(x => x.CreatedBy).HasMaxLength(Len.UserId);
        b.HasIndex(x => x.KeyHash).IsUnique();
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.Property(x => x.UserId).HasMaxLength(Len.UserId);
        b.Property(x => x.UserName).HasMaxLength(Len.Value);
        b.Property(x => x.EntityType).HasMaxLength(Len.Code);
        b.Property(x => x.EntityId).HasMaxLength(Len.Code);
        b.Property(x => x.Action).HasMaxLength(Len.Code);
        b.HasIndex(x => new { x.EntityType, x.EntityId, x.At });
        b.HasIndex(x => x.At);
    }
}

internal sealed class WorkspaceSettingsConfiguration : IEntityTypeConfiguration<WorkspaceSettings>
{
    public void Configure(EntityTypeBuilder<WorkspaceSettings> b)
    {
        b.Property(x => x.Id).ValueGeneratedNever();
        b.Property(x => x.Name).HasMaxLength(Len.Name);
        b.Property(x => x.TimeZone).HasMaxLength(Len.Code);
        b.Property(x => x.DefaultCulture).HasMaxLength(16);
        b.Property(x => x.DefaultCountry).HasMaxLength(2);
        b.Property(x => x.RfmWindowDays).HasDefaultValue(365).HasSentinel(0);
    }
}

internal sealed class StudioUserConfiguration : IEntityTypeConfiguration<StudioUser>
{
    public void Configure(EntityTypeBuilder<StudioUser> b)
    {
        b.Property(x => x.DisplayName).HasMaxLength(Len.Name);
        b.Property(x => x.Culture).HasMaxLength(16);
    }
}
