IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Accounts] (
        [Id] bigint NOT NULL IDENTITY,
        [Kind] int NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Industry] nvarchar(64) NULL,
        [Size] nvarchar(64) NULL,
        [OwnerId] nvarchar(450) NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Accounts] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [ApiKeys] (
        [Id] int NOT NULL IDENTITY,
        [Name] nvarchar(200) NOT NULL,
        [Prefix] nvarchar(16) NOT NULL,
        [KeyHash] nvarchar(128) NOT NULL,
        [Scopes] nvarchar(256) NOT NULL,
        [CreatedBy] nvarchar(450) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NULL,
        [RevokedAt] datetime2 NULL,
        [LastUsedAt] datetime2 NULL,
        CONSTRAINT [PK_ApiKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] nvarchar(450) NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] nvarchar(450) NOT NULL,
        [DisplayName] nvarchar(200) NULL,
        [Culture] nvarchar(16) NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(max) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AuditEntries] (
        [Id] bigint NOT NULL IDENTITY,
        [At] datetime2 NOT NULL,
        [UserId] nvarchar(450) NULL,
        [UserName] nvarchar(256) NULL,
        [EntityType] nvarchar(64) NOT NULL,
        [EntityId] nvarchar(64) NOT NULL,
        [Action] nvarchar(64) NOT NULL,
        [BeforeJson] nvarchar(max) NULL,
        [AfterJson] nvarchar(max) NULL,
        CONSTRAINT [PK_AuditEntries] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Customers] (
        [Id] bigint NOT NULL IDENTITY,
        [Name] nvarchar(200) NULL,
        [Gender] int NOT NULL,
        [BirthDate] date NULL,
        [Province] nvarchar(64) NULL,
        [City] nvarchar(64) NULL,
        [Phone] nvarchar(32) NULL,
        [Email] nvarchar(256) NULL,
        [SourceChannel] nvarchar(64) NULL,
        [OwnerId] nvarchar(450) NULL,
        [LifecycleStage] int NOT NULL,
        [LeadScore] int NOT NULL,
        [Company] nvarchar(200) NULL,
        [Industry] nvarchar(64) NULL,
        [CompanySize] nvarchar(64) NULL,
        [EmailOptOut] bit NOT NULL,
        [SmsOptOut] bit NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [MergedIntoId] bigint NULL,
        CONSTRAINT [PK_Customers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [CustomFields] (
        [Id] int NOT NULL IDENTITY,
        [Code] nvarchar(64) NOT NULL,
        [NameZh] nvarchar(200) NOT NULL,
        [NameEn] nvarchar(200) NOT NULL,
        [Type] int NOT NULL,
        [EnumValuesJson] nvarchar(max) NULL,
        [IsSensitive] bit NOT NULL,
        [SortOrder] int NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_CustomFields] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [EmailTemplates] (
        [Id] int NOT NULL IDENTITY,
        [Code] nvarchar(64) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Subject] nvarchar(256) NOT NULL,
        [BodyHtml] nvarchar(max) NOT NULL,
        [Language] nvarchar(16) NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_EmailTemplates] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [IdempotencyRecords] (
        [Key] nvarchar(256) NOT NULL,
        [Scope] nvarchar(64) NOT NULL,
        [ResponseJson] nvarchar(max) NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_IdempotencyRecords] PRIMARY KEY ([Scope], [Key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [ImportJobs] (
        [Id] bigint NOT NULL IDENTITY,
        [Kind] int NOT NULL,
        [FileName] nvarchar(256) NOT NULL,
        [Status] int NOT NULL,
        [MappingJson] nvarchar(max) NOT NULL,
        [DedupePolicy] nvarchar(64) NULL,
        [TotalRows] int NOT NULL,
        [ProcessedRows] int NOT NULL,
        [Created] int NOT NULL,
        [Updated] int NOT NULL,
        [Merged] int NOT NULL,
        [Skipped] int NOT NULL,
        [Rejected] int NOT NULL,
        [Error] nvarchar(max) NULL,
        [CreatedBy] nvarchar(450) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [FinishedAt] datetime2 NULL,
        CONSTRAINT [PK_ImportJobs] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [InstalledTemplates] (
        [Id] int NOT NULL IDENTITY,
        [Code] nvarchar(64) NOT NULL,
        [Version] nvarchar(32) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [ManifestJson] nvarchar(max) NOT NULL,
        [InstalledAt] datetime2 NOT NULL,
        [InstalledBy] nvarchar(450) NULL,
        CONSTRAINT [PK_InstalledTemplates] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Journeys] (
        [Id] int NOT NULL IDENTITY,
        [Code] nvarchar(64) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Description] nvarchar(max) NULL,
        [Status] int NOT NULL,
        [DraftJson] nvarchar(max) NOT NULL,
        [SchemaVersion] nvarchar(16) NOT NULL,
        [PublishedVersion] int NULL,
        [OwnerId] nvarchar(450) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Journeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [JourneyStepLog] (
        [Id] bigint NOT NULL IDENTITY,
        [InstanceId] bigint NOT NULL,
        [JourneyId] int NOT NULL,
        [NodeId] nvarchar(64) NOT NULL,
        [Port] nvarchar(64) NULL,
        [At] datetime2 NOT NULL,
        [Message] nvarchar(max) NULL,
        CONSTRAINT [PK_JourneyStepLog] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [LeadScoreChanges] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [Points] int NOT NULL,
        [Total] int NOT NULL,
        [Reason] nvarchar(256) NOT NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_LeadScoreChanges] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [LifecycleChanges] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [From] int NOT NULL,
        [To] int NOT NULL,
        [Reason] nvarchar(256) NULL,
        [By] nvarchar(450) NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_LifecycleChanges] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Outbox] (
        [Id] bigint NOT NULL IDENTITY,
        [InstanceId] bigint NULL,
        [NodeId] nvarchar(64) NULL,
        [IdempotencyKey] nvarchar(256) NOT NULL,
        [Channel] nvarchar(64) NOT NULL,
        [CustomerId] bigint NULL,
        [PayloadJson] nvarchar(max) NOT NULL,
        [Status] int NOT NULL,
        [Attempts] int NOT NULL,
        [NextAttemptAt] datetime2 NOT NULL,
        [LastError] nvarchar(max) NULL,
        [CreatedAt] datetime2 NOT NULL,
        [SentAt] datetime2 NULL,
        CONSTRAINT [PK_Outbox] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [PredictiveModels] (
        [Id] int NOT NULL IDENTITY,
        [TagId] int NULL,
        [Name] nvarchar(200) NOT NULL,
        [Version] int NOT NULL,
        [Auc] float NULL,
        [MetricsJson] nvarchar(max) NULL,
        [ModelBlob] varbinary(max) NULL,
        [TrainedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_PredictiveModels] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [SalesTasks] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [OwnerId] nvarchar(450) NULL,
        [Title] nvarchar(256) NOT NULL,
        [Details] nvarchar(max) NULL,
        [Status] int NOT NULL,
        [DueAt] datetime2 NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_SalesTasks] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [SavedMappings] (
        [Id] int NOT NULL IDENTITY,
        [Name] nvarchar(200) NOT NULL,
        [Kind] int NOT NULL,
        [MappingJson] nvarchar(max) NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_SavedMappings] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [SegmentMembershipLog] (
        [Id] bigint NOT NULL IDENTITY,
        [SegmentId] int NOT NULL,
        [CustomerId] bigint NOT NULL,
        [Change] int NOT NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_SegmentMembershipLog] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Segments] (
        [Id] int NOT NULL IDENTITY,
        [Code] nvarchar(64) NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [Description] nvarchar(max) NULL,
        [Kind] int NOT NULL,
        [DefinitionJson] nvarchar(max) NOT NULL,
        [SchemaVersion] nvarchar(16) NOT NULL,
        [RefreshCron] nvarchar(64) NULL,
        [OwnerId] nvarchar(450) NULL,
        [MemberCount] int NOT NULL,
        [LastRefreshedAt] datetime2 NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Segments] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [SegmentSizeSnapshots] (
        [Id] bigint NOT NULL IDENTITY,
        [SegmentId] int NOT NULL,
        [At] datetime2 NOT NULL,
        [Size] int NOT NULL,
        CONSTRAINT [PK_SegmentSizeSnapshots] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagAssignmentHistory] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [TagId] int NOT NULL,
        [TagValueId] int NOT NULL,
        [Action] int NOT NULL,
        [Source] int NOT NULL,
        [SourceRef] nvarchar(256) NULL,
        [By] nvarchar(450) NULL,
        [At] datetime2 NOT NULL,
        CONSTRAINT [PK_TagAssignmentHistory] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagCategories] (
        [Id] int NOT NULL IDENTITY,
        [ParentId] int NULL,
        [Code] nvarchar(64) NOT NULL,
        [NameZh] nvarchar(200) NOT NULL,
        [NameEn] nvarchar(200) NOT NULL,
        [SortOrder] int NOT NULL,
        [EditorRoles] nvarchar(256) NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_TagCategories] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TagCategories_TagCategories_ParentId] FOREIGN KEY ([ParentId]) REFERENCES [TagCategories] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagCoverageSnapshots] (
        [Id] bigint NOT NULL IDENTITY,
        [TagId] int NOT NULL,
        [At] datetime2 NOT NULL,
        [Customers] int NOT NULL,
        CONSTRAINT [PK_TagCoverageSnapshots] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [WorkspaceSettings] (
        [Id] int NOT NULL,
        [Name] nvarchar(200) NOT NULL,
        [TimeZone] nvarchar(64) NOT NULL,
        [DefaultCulture] nvarchar(16) NOT NULL,
        [DefaultCountry] nvarchar(2) NOT NULL,
        [QuietHoursStart] int NULL,
        [QuietHoursEnd] int NULL,
        [DailyMessageCap] int NULL,
        [DemoSeededAt] datetime2 NULL,
        CONSTRAINT [PK_WorkspaceSettings] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(450) NOT NULL,
        [ProviderKey] nvarchar(450) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] nvarchar(450) NOT NULL,
        [RoleId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] nvarchar(450) NOT NULL,
        [LoginProvider] nvarchar(450) NOT NULL,
        [Name] nvarchar(450) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [AccountMembers] (
        [AccountId] bigint NOT NULL,
        [CustomerId] bigint NOT NULL,
        [Role] int NOT NULL,
        [JoinedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_AccountMembers] PRIMARY KEY ([AccountId], [CustomerId]),
        CONSTRAINT [FK_AccountMembers_Accounts_AccountId] FOREIGN KEY ([AccountId]) REFERENCES [Accounts] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AccountMembers_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [CustomerIdentities] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [Kind] int NOT NULL,
        [Value] nvarchar(256) NOT NULL,
        [IsPrimary] bit NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_CustomerIdentities] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_CustomerIdentities_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Events] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [Type] nvarchar(64) NOT NULL,
        [OccurredAt] datetime2 NOT NULL,
        [Channel] nvarchar(64) NULL,
        [PropertiesJson] nvarchar(max) NULL,
        [ReceivedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_Events] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Events_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Orders] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [OrderNo] nvarchar(64) NOT NULL,
        [OrderedAt] datetime2 NOT NULL,
        [Amount] decimal(18,4) NOT NULL,
        [Currency] nvarchar(3) NOT NULL,
        [Status] int NOT NULL,
        [Channel] nvarchar(64) NULL,
        CONSTRAINT [PK_Orders] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Orders_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [RfmScores] (
        [CustomerId] bigint NOT NULL,
        [RecencyDays] int NOT NULL,
        [Frequency] int NOT NULL,
        [Monetary] decimal(18,4) NOT NULL,
        [R] tinyint NOT NULL,
        [F] tinyint NOT NULL,
        [M] tinyint NOT NULL,
        [Segment] nvarchar(64) NOT NULL,
        [ComputedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_RfmScores] PRIMARY KEY ([CustomerId]),
        CONSTRAINT [FK_RfmScores_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [CustomFieldValues] (
        [CustomerId] bigint NOT NULL,
        [FieldId] int NOT NULL,
        [TextValue] nvarchar(256) NULL,
        [NumberValue] decimal(18,4) NULL,
        [DateValue] datetime2 NULL,
        [BoolValue] bit NULL,
        CONSTRAINT [PK_CustomFieldValues] PRIMARY KEY ([CustomerId], [FieldId]),
        CONSTRAINT [FK_CustomFieldValues_CustomFields_FieldId] FOREIGN KEY ([FieldId]) REFERENCES [CustomFields] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_CustomFieldValues_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [ImportRowErrors] (
        [Id] bigint NOT NULL IDENTITY,
        [ImportJobId] bigint NOT NULL,
        [Line] int NOT NULL,
        [Field] nvarchar(64) NULL,
        [Reason] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_ImportRowErrors] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_ImportRowErrors_ImportJobs_ImportJobId] FOREIGN KEY ([ImportJobId]) REFERENCES [ImportJobs] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [JourneyVersions] (
        [Id] int NOT NULL IDENTITY,
        [JourneyId] int NOT NULL,
        [Version] int NOT NULL,
        [DefinitionJson] nvarchar(max) NOT NULL,
        [SchemaVersion] nvarchar(16) NOT NULL,
        [PublishedAt] datetime2 NOT NULL,
        [PublishedBy] nvarchar(450) NULL,
        CONSTRAINT [PK_JourneyVersions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_JourneyVersions_Journeys_JourneyId] FOREIGN KEY ([JourneyId]) REFERENCES [Journeys] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [PredictiveScores] (
        [CustomerId] bigint NOT NULL,
        [ModelId] int NOT NULL,
        [Score] float NOT NULL,
        [TopFeaturesJson] nvarchar(max) NULL,
        [ComputedAt] datetime2 NOT NULL,
        CONSTRAINT [PK_PredictiveScores] PRIMARY KEY ([ModelId], [CustomerId]),
        CONSTRAINT [FK_PredictiveScores_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_PredictiveScores_PredictiveModels_ModelId] FOREIGN KEY ([ModelId]) REFERENCES [PredictiveModels] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [SegmentMemberships] (
        [SegmentId] int NOT NULL,
        [CustomerId] bigint NOT NULL,
        [EnteredAt] datetime2 NOT NULL,
        CONSTRAINT [PK_SegmentMemberships] PRIMARY KEY ([SegmentId], [CustomerId]),
        CONSTRAINT [FK_SegmentMemberships_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_SegmentMemberships_Segments_SegmentId] FOREIGN KEY ([SegmentId]) REFERENCES [Segments] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [Tags] (
        [Id] int NOT NULL IDENTITY,
        [CategoryId] int NOT NULL,
        [Code] nvarchar(64) NOT NULL,
        [NameZh] nvarchar(200) NOT NULL,
        [NameEn] nvarchar(200) NOT NULL,
        [Description] nvarchar(max) NULL,
        [Kind] int NOT NULL,
        [DataSource] nvarchar(200) NULL,
        [RefreshRule] int NOT NULL,
        [ValueFormat] nvarchar(64) NULL,
        [MultiValued] bit NOT NULL,
        [OwnerId] nvarchar(450) NULL,
        [Sensitivity] int NOT NULL,
        [ExpiryDays] int NULL,
        [Status] int NOT NULL,
        [Version] int NOT NULL,
        [DefinitionJson] nvarchar(max) NULL,
        [SchemaVersion] nvarchar(16) NOT NULL,
        [SortOrder] int NOT NULL,
        [CreatedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [LastComputedAt] datetime2 NULL,
        CONSTRAINT [PK_Tags] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Tags_TagCategories_CategoryId] FOREIGN KEY ([CategoryId]) REFERENCES [TagCategories] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [EventProperties] (
        [EventId] bigint NOT NULL,
        [Key] nvarchar(64) NOT NULL,
        [Value] nvarchar(256) NULL,
        CONSTRAINT [PK_EventProperties] PRIMARY KEY ([EventId], [Key]),
        CONSTRAINT [FK_EventProperties_Events_EventId] FOREIGN KEY ([EventId]) REFERENCES [Events] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [OrderLines] (
        [Id] bigint NOT NULL IDENTITY,
        [OrderId] bigint NOT NULL,
        [Sku] nvarchar(64) NOT NULL,
        [Name] nvarchar(256) NULL,
        [Quantity] decimal(18,4) NOT NULL,
        [UnitPrice] decimal(18,4) NOT NULL,
        CONSTRAINT [PK_OrderLines] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_OrderLines_Orders_OrderId] FOREIGN KEY ([OrderId]) REFERENCES [Orders] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [JourneyInstances] (
        [Id] bigint NOT NULL IDENTITY,
        [JourneyId] int NOT NULL,
        [JourneyVersionId] int NOT NULL,
        [CustomerId] bigint NOT NULL,
        [Status] int NOT NULL,
        [CurrentNodeId] nvarchar(64) NULL,
        [WakeAt] datetime2 NULL,
        [AwaitedEvent] nvarchar(64) NULL,
        [StateJson] nvarchar(max) NULL,
        [LastError] nvarchar(max) NULL,
        [ClaimedBy] nvarchar(64) NULL,
        [ClaimedUntil] datetime2 NULL,
        [Revision] int NOT NULL,
        [StartedAt] datetime2 NOT NULL,
        [UpdatedAt] datetime2 NOT NULL,
        [EndedAt] datetime2 NULL,
        CONSTRAINT [PK_JourneyInstances] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_JourneyInstances_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_JourneyInstances_JourneyVersions_JourneyVersionId] FOREIGN KEY ([JourneyVersionId]) REFERENCES [JourneyVersions] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagAssignments] (
        [Id] bigint NOT NULL IDENTITY,
        [CustomerId] bigint NOT NULL,
        [TagId] int NOT NULL,
        [TagValueId] int NOT NULL,
        [Source] int NOT NULL,
        [SourceRef] nvarchar(256) NULL,
        [AssignedBy] nvarchar(450) NULL,
        [AssignedAt] datetime2 NOT NULL,
        [ExpiresAt] datetime2 NULL,
        [Score] float NULL,
        CONSTRAINT [PK_TagAssignments] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TagAssignments_Customers_CustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customers] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_TagAssignments_Tags_TagId] FOREIGN KEY ([TagId]) REFERENCES [Tags] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagRevisions] (
        [Id] bigint NOT NULL IDENTITY,
        [TagId] int NOT NULL,
        [Version] int NOT NULL,
        [DefinitionJson] nvarchar(max) NOT NULL,
        [Status] int NOT NULL,
        [SubmittedBy] nvarchar(450) NULL,
        [SubmittedAt] datetime2 NOT NULL,
        [ReviewedBy] nvarchar(450) NULL,
        [ReviewedAt] datetime2 NULL,
        [ReviewComment] nvarchar(max) NULL,
        CONSTRAINT [PK_TagRevisions] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TagRevisions_Tags_TagId] FOREIGN KEY ([TagId]) REFERENCES [Tags] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE TABLE [TagValues] (
        [Id] int NOT NULL IDENTITY,
        [TagId] int NOT NULL,
        [Code] nvarchar(64) NOT NULL,
        [NameZh] nvarchar(200) NOT NULL,
        [NameEn] nvarchar(200) NOT NULL,
        [SortOrder] int NOT NULL,
        CONSTRAINT [PK_TagValues] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_TagValues_Tags_TagId] FOREIGN KEY ([TagId]) REFERENCES [Tags] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AccountMembers_CustomerId_Role] ON [AccountMembers] ([CustomerId], [Role]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Accounts_Name] ON [Accounts] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ApiKeys_KeyHash] ON [ApiKeys] ([KeyHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_At] ON [AuditEntries] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_AuditEntries_EntityType_EntityId_At] ON [AuditEntries] ([EntityType], [EntityId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_CustomerIdentities_CustomerId] ON [CustomerIdentities] ([CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_CustomerIdentities_Kind_Value] ON [CustomerIdentities] ([Kind], [Value]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_BirthDate] ON [Customers] ([BirthDate]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_CreatedAt] ON [Customers] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_LifecycleStage] ON [Customers] ([LifecycleStage]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_MergedIntoId] ON [Customers] ([MergedIntoId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_OwnerId] ON [Customers] ([OwnerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_Province] ON [Customers] ([Province]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_Province_City] ON [Customers] ([Province], [City]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Customers_SourceChannel] ON [Customers] ([SourceChannel]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_CustomFields_Code] ON [CustomFields] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_CustomFieldValues_FieldId_BoolValue] ON [CustomFieldValues] ([FieldId], [BoolValue]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_CustomFieldValues_FieldId_DateValue] ON [CustomFieldValues] ([FieldId], [DateValue]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_CustomFieldValues_FieldId_NumberValue] ON [CustomFieldValues] ([FieldId], [NumberValue]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_CustomFieldValues_FieldId_TextValue] ON [CustomFieldValues] ([FieldId], [TextValue]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_EmailTemplates_Code_Language] ON [EmailTemplates] ([Code], [Language]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_EventProperties_Key_Value] ON [EventProperties] ([Key], [Value]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Events_CustomerId_Type_OccurredAt] ON [Events] ([CustomerId], [Type], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Events_Type_OccurredAt] ON [Events] ([Type], [OccurredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_IdempotencyRecords_CreatedAt] ON [IdempotencyRecords] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_ImportJobs_CreatedAt] ON [ImportJobs] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_ImportRowErrors_ImportJobId_Line] ON [ImportRowErrors] ([ImportJobId], [Line]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_InstalledTemplates_Code] ON [InstalledTemplates] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyInstances_AwaitedEvent_CustomerId] ON [JourneyInstances] ([AwaitedEvent], [CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyInstances_CustomerId_JourneyId] ON [JourneyInstances] ([CustomerId], [JourneyId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyInstances_JourneyId_Status_CurrentNodeId] ON [JourneyInstances] ([JourneyId], [Status], [CurrentNodeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyInstances_JourneyVersionId] ON [JourneyInstances] ([JourneyVersionId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyInstances_Status_WakeAt] ON [JourneyInstances] ([Status], [WakeAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Journeys_Code] ON [Journeys] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyStepLog_InstanceId] ON [JourneyStepLog] ([InstanceId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_JourneyStepLog_JourneyId_NodeId_Port] ON [JourneyStepLog] ([JourneyId], [NodeId], [Port]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_JourneyVersions_JourneyId_Version] ON [JourneyVersions] ([JourneyId], [Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_LeadScoreChanges_CustomerId_At] ON [LeadScoreChanges] ([CustomerId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_LifecycleChanges_CustomerId_At] ON [LifecycleChanges] ([CustomerId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_OrderLines_OrderId] ON [OrderLines] ([OrderId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Orders_CustomerId_OrderedAt] ON [Orders] ([CustomerId], [OrderedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Orders_OrderedAt] ON [Orders] ([OrderedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Orders_OrderNo] ON [Orders] ([OrderNo]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Outbox_CustomerId_CreatedAt] ON [Outbox] ([CustomerId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Outbox_IdempotencyKey] ON [Outbox] ([IdempotencyKey]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Outbox_Status_NextAttemptAt] ON [Outbox] ([Status], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_PredictiveModels_TagId_Version] ON [PredictiveModels] ([TagId], [Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_PredictiveScores_CustomerId] ON [PredictiveScores] ([CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_RfmScores_Segment] ON [RfmScores] ([Segment]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SalesTasks_CustomerId] ON [SalesTasks] ([CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SalesTasks_OwnerId_Status] ON [SalesTasks] ([OwnerId], [Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SegmentMembershipLog_CustomerId_At] ON [SegmentMembershipLog] ([CustomerId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SegmentMembershipLog_SegmentId_At] ON [SegmentMembershipLog] ([SegmentId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SegmentMemberships_CustomerId] ON [SegmentMemberships] ([CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Segments_Code] ON [Segments] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_SegmentSizeSnapshots_SegmentId_At] ON [SegmentSizeSnapshots] ([SegmentId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagAssignmentHistory_CustomerId_At] ON [TagAssignmentHistory] ([CustomerId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagAssignmentHistory_TagId_At] ON [TagAssignmentHistory] ([TagId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_TagAssignments_CustomerId_TagId_TagValueId] ON [TagAssignments] ([CustomerId], [TagId], [TagValueId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagAssignments_ExpiresAt] ON [TagAssignments] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagAssignments_TagId_TagValueId_CustomerId] ON [TagAssignments] ([TagId], [TagValueId], [CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_TagCategories_Code] ON [TagCategories] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagCategories_ParentId] ON [TagCategories] ([ParentId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_TagCoverageSnapshots_TagId_At] ON [TagCoverageSnapshots] ([TagId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_TagRevisions_TagId_Version] ON [TagRevisions] ([TagId], [Version]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Tags_CategoryId_SortOrder] ON [Tags] ([CategoryId], [SortOrder]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Tags_Code] ON [Tags] ([Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE INDEX [IX_Tags_Status] ON [Tags] ([Status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [IX_TagValues_TagId_Code] ON [TagValues] ([TagId], [Code]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124061104_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124061104_Initial', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124072312_ConditionIndexes'
)
BEGIN
    DROP INDEX [IX_Events_Type_OccurredAt] ON [Events];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124072312_ConditionIndexes'
)
BEGIN
    DROP INDEX [IX_EventProperties_Key_Value] ON [EventProperties];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124072312_ConditionIndexes'
)
BEGIN
    CREATE INDEX [IX_Events_Type_OccurredAt_CustomerId] ON [Events] ([Type], [OccurredAt], [CustomerId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124072312_ConditionIndexes'
)
BEGIN
    CREATE INDEX [IX_EventProperties_Key_Value_EventId] ON [EventProperties] ([Key], [Value], [EventId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124072312_ConditionIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124072312_ConditionIndexes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124083321_TagGovernance'
)
BEGIN
    ALTER TABLE [Tags] ADD [ActivatedAt] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124083321_TagGovernance'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124083321_TagGovernance', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124091155_Scoring'
)
BEGIN
    ALTER TABLE [WorkspaceSettings] ADD [LeadScoringJson] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124091155_Scoring'
)
BEGIN
    ALTER TABLE [WorkspaceSettings] ADD [RfmWindowDays] int NOT NULL DEFAULT 365;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124091155_Scoring'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124091155_Scoring', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124113928_OutboxClaims'
)
BEGIN
    ALTER TABLE [Outbox] ADD [ClaimedBy] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124113928_OutboxClaims'
)
BEGIN
    ALTER TABLE [Outbox] ADD [ClaimedUntil] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124113928_OutboxClaims'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124113928_OutboxClaims', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124114017_CustomFieldSchemaVersion'
)
BEGIN
    ALTER TABLE [CustomFields] ADD [SchemaVersion] nvarchar(16) NOT NULL DEFAULT N'1.0';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124114017_CustomFieldSchemaVersion'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124114017_CustomFieldSchemaVersion', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124114821_JourneyRuntime'
)
BEGIN
    ALTER TABLE [JourneyInstances] ADD [ResumePort] nvarchar(32) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124114821_JourneyRuntime'
)
BEGIN
    CREATE TABLE [JourneyTriggerStates] (
        [JourneyId] int NOT NULL,
        [NodeId] nvarchar(64) NOT NULL,
        [Cursor] bigint NOT NULL,
        [LastRunAt] datetime2 NULL,
        CONSTRAINT [PK_JourneyTriggerStates] PRIMARY KEY ([JourneyId], [NodeId])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124114821_JourneyRuntime'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124114821_JourneyRuntime', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124163253_DataProtectionKeys'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(max) NULL,
        [Xml] nvarchar(max) NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124163253_DataProtectionKeys'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124163253_DataProtectionKeys', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124165008_ImportRowErrorCodes'
)
BEGIN
    ALTER TABLE [ImportRowErrors] ADD [Args] nvarchar(max) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124165008_ImportRowErrorCodes'
)
BEGIN
    ALTER TABLE [ImportRowErrors] ADD [Code] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261124165008_ImportRowErrorCodes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261124165008_ImportRowErrorCodes', N'10.0.15');
END;

COMMIT;
GO

