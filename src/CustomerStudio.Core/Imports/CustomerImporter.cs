using CustomerStudio.Core.Customers;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CustomerStudio.Core.Imports;

/// <summary>
/// Imports customers from a file, streaming, in batches of <see cref="BatchSize"/> rows. Each batch is one
/// transaction holding its customers, identities, custom values, tag assignments, rejected-row report lines and the
/// job's progress, so a crash leaves the database consistent and the job resumes after its last committed batch.
/// Rows match existing customers by any identity (phone, email, WeChat ids, external id, all normalized so case and
/// format never create duplicates); rows of the file that share an identity are merged into one customer.
/// </summary>
public sealed class CustomerImporter(StudioDbContext db, TimeProvider clock)
{
    /// <summary>Rows per transaction: large enough for bulk writes, small enough that a crash loses little.</summary>
    public int BatchSize { get; init; } = 5_000;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Runs (or resumes) the job over the file's rows; rows up to <see cref="ImportJob.ProcessedRows"/> were committed before.</summary>
    public async Task<ImportJob> RunAsync(long jobId, IEnumerable<ImportRow> rows, IProgress<ImportJob>? progress = null, CancellationToken ct = default)
    {
        var job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
        var plan = ImportPlan.FromJson(job.MappingJson);
        var cleaner = new CustomerRowCleaner(plan, await CatalogAsync(ct));
        await SetStatusAsync(jobId, ImportStatus.Running, null, ct);

        // Customers this import created: a later row matching one of them is an in-file duplicate, merged.
        var createdHere = new HashSet<long>();
        var batch = new List<ImportRow>(BatchSize);
        var done = job.ProcessedRows;
        try
        {
            foreach (var row in rows.Skip(job.ProcessedRows))
            {
                batch.Add(row);
                if (batch.Count < BatchSize) continue;
                job = await WriteBatchAsync(jobId, batch, cleaner, plan.Policy, createdHere, ct);
                done += batch.Count;
                batch.Clear();
                progress?.Report(job);
            }
            if (batch.Count > 0) job = await WriteBatchAsync(jobId, batch, cleaner, plan.Policy, createdHere, ct);
            await SetStatusAsync(jobId, ImportStatus.Completed, null, CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            await SetStatusAsync(jobId, ImportStatus.Cancelled, null, CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            // Committed batches stay; the job says where it stopped and why, and can be resumed.
            await SetStatusAsync(jobId, ImportStatus.Failed, ex.Message, CancellationToken.None);
            throw;
        }
        job = await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, CancellationToken.None);
        progress?.Report(job);
        return job;
    }

    private sealed class Group
    {
        public List<CleanRow> Rows { get; } = [];
        public HashSet<(IdentityKind, string)> Identities { get; } = [];
        public long? CustomerId;
    }

    private async Task<ImportJob> WriteBatchAsync(long jobId, List<ImportRow> rows, CustomerRowCleaner cleaner, DedupePolicy policy,
        HashSet<long> createdHere, CancellationToken ct)
    {
        var now = Now;
        var problems = new List<RowProblem>();
        var clean = new List<CleanRow>();
        foreach (var row in rows)
        {
            var (c, p) = cleaner.Clean(row);
            if (c is null) problems.AddRange(p);
            else clean.Add(c);
        }
        var groups = GroupByIdentity(clean);

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Takes the write lock first on SQLite, so the ids read below stay ours until commit.
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Status, ImportStatus.Running), ct);

        var known = await IdentityLookup.FindAsync(db, groups.SelectMany(g => g.Identities), ct);

        int createdCount = 0, updated = 0, merged = 0, skipped = 0;
        var collisions = new List<(long Survivor, long Other)>();
        var newCustomers = new List<(Group Group, Customer Customer)>();
        var existing = new List<Group>();
        foreach (var group in groups)
        {
            merged += group.Rows.Count - 1;
            var matches = group.Identities.Where(known.ContainsKey).Select(i => known[i]).Distinct().Order().ToList();
            if (matches.Count == 0)
            {
                var customer = new Customer { CreatedAt = now, UpdatedAt = now };
                Apply(customer, group, DedupePolicy.Overwrite);
                newCustomers.Add((group, customer));
                createdCount++;
                continue;
            }
            // The row names identities of several customers: they are one person. The earliest survives; the others
            // are merged into it once this batch is committed.
            group.CustomerId = matches[0];
            collisions.AddRange(matches.Skip(1).Select(other => (matches[0], other)));
            if (createdHere.Contains(matches[0])) merged++;
            existing.Add(group);
        }

        // New customers: ids first (explicit on SQLite, generated by EF elsewhere), then what hangs off them.
        await InsertCustomersAsync(newCustomers.Select(n => n.Customer).ToList(), transaction, ct);
        foreach (var (group, customer) in newCustomers)
        {
            group.CustomerId = customer.Id;
            createdHere.Add(customer.Id);
        }

        // Existing customers: fields per the policy, new identities always (they are how the next file finds them).
        var existingIds = existing.Select(g => g.CustomerId!.Value).Distinct().ToList();
        var tracked = existingIds.Count == 0 ? [] : await db.Customers.Where(c => existingIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        foreach (var group in existing)
        {
            var customer = tracked[group.CustomerId!.Value];
            var changed = policy != DedupePolicy.Skip && Apply(customer, group, policy);
            var newIdentity = group.Identities.Any(i => !known.ContainsKey(i));
            if (changed) customer.UpdatedAt = now;
            if (createdHere.Contains(customer.Id)) continue;
            if (changed || newIdentity) updated++;
            else skipped++;
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();

        var identities = new List<CustomerIdentity>();
        var created = newCustomers.Select(n => n.Group).ToHashSet();
        var primaries = new HashSet<(long, IdentityKind)>();
        foreach (var group in groups)
            foreach (var (kind, value) in group.Identities)
                if (!known.ContainsKey((kind, value)))
                {
                    known[(kind, value)] = group.CustomerId!.Value;
                    // A new customer's first identity of each kind is its primary one.
                    identities.Add(new CustomerIdentity { CustomerId = group.CustomerId.Value, Kind = kind, Value = value, CreatedAt = now,
                        IsPrimary = created.Contains(group) && primaries.Add((group.CustomerId.Value, kind)) });
                }
        await ModelBulkInsert.InsertAsync(db, transaction, identities, ct);
        await WriteCustomValuesAsync(groups, policy, transaction, ct);
        await WriteTagsAsync(groups, jobId, now, transaction, ct);
        await ModelBulkInsert.InsertAsync(db, transaction, problems.Select(p => new ImportRowError
        {
            ImportJobId = jobId, Line = p.Line, Field = p.Field, Reason = ImportMessages.Format(p.Code, p.Args),
        }).ToList(), ct);

        var rejectedRows = problems.Select(p => p.Line).Distinct().Count();
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.ProcessedRows, j => j.ProcessedRows + rows.Count)
            .SetProperty(j => j.Created, j => j.Created + createdCount)
            .SetProperty(j => j.Updated, j => j.Updated + updated)
            .SetProperty(j => j.Merged, j => j.Merged + merged)
            .SetProperty(j => j.Skipped, j => j.Skipped + skipped)
            .SetProperty(j => j.Rejected, j => j.Rejected + rejectedRows), ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();

        var merge = new CustomerMerge(db, clock);
        var mergedAway = 0;
        foreach (var (survivor, other) in collisions.Distinct())
        {
            var (result, _) = await merge.MergeAsync(survivor, other, Security.Actor.System, $"identity collision in import #{jobId}", ct);
            if (result is not null) mergedAway++;
        }
        if (mergedAway > 0)
            await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Merged, j => j.Merged + mergedAway), ct);
        return await db.ImportJobs.AsNoTracking().FirstAsync(j => j.Id == jobId, ct);
    }

    /// <summary>Rows that share any identity become one group (union-find over identities), in line order.</summary>
    private static List<Group> GroupByIdentity(List<CleanRow> rows)
    {
        var parent = Enumerable.Range(0, rows.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var owner = new Dictionary<(IdentityKind, string), int>();
        for (var i = 0; i < rows.Count; i++)
            foreach (var identity in rows[i].Identities)
                if (owner.TryGetValue(identity, out var other)) parent[Find(i)] = Find(other);
                else owner[identity] = i;
        var groups = new Dictionary<int, Group>();
        for (var i = 0; i < rows.Count; i++)
        {
            var root = Find(i);
            if (!groups.TryGetValue(root, out var group)) groups[root] = group = new Group();
            group.Rows.Add(rows[i]);
            group.Identities.UnionWith(rows[i].Identities);
        }
        return groups.Values.ToList();
    }

    /// <summary>Applies the group's values (the first non-empty per field, in line order); true when something changed.</summary>
    private static bool Apply(Customer c, Group group, DedupePolicy policy)
    {
        var changed = false;
        void Set<T>(string field, object? current, Action<T> set)
        {
            var value = group.Rows.Select(r => r.Fields.GetValueOrDefault(field)).FirstOrDefault(v => v is not null);
            if (value is not T typed) return;
            var empty = current is null || current is string { Length: 0 } || current is Gender.Unknown || current is LifecycleStage.Lead;
            if (policy == DedupePolicy.FillEmpty && !empty) return;
            if (Equals(current, typed)) return;
            set(typed);
            changed = true;
        }
        Set<string>("name", c.Name, v => c.Name = v);
        Set<string>("phone", c.Phone, v => c.Phone = v);
        Set<string>("email", c.Email, v => c.Email = v);
        Set<Gender>("gender", c.Gender, v => c.Gender = v);
        Set<DateOnly>("birth_date", c.BirthDate, v => c.BirthDate = v);
        Set<string>("province", c.Province, v => c.Province = v);
        Set<string>("city", c.City, v => c.City = v);
        Set<string>("company", c.Company, v => c.Company = v);
        Set<string>("industry", c.Industry, v => c.Industry = v);
        Set<string>("company_size", c.CompanySize, v => c.CompanySize = v);
        Set<string>("source_channel", c.SourceChannel, v => c.SourceChannel = v);
        Set<int>("lead_score", policy == DedupePolicy.FillEmpty && c.LeadScore == 0 ? null : c.LeadScore, v => c.LeadScore = v);
        Set<LifecycleStage>("lifecycle_stage", c.LifecycleStage, v => c.LifecycleStage = v);
        // A creation date from the file only ever moves a customer's start earlier.
        if (group.Rows.Select(r => r.Fields.GetValueOrDefault("created_at")).FirstOrDefault(v => v is not null) is DateTime createdAt && createdAt < c.CreatedAt)
        {
            c.CreatedAt = createdAt;
            changed = true;
        }
        return changed;
    }

    private async Task InsertCustomersAsync(List<Customer> customers, IDbContextTransaction transaction, CancellationToken ct)
    {
        if (customers.Count == 0) return;
        if (db.Database.IsSqlite())
        {
            var next = (await db.Customers.MaxAsync(c => (long?)c.Id, ct) ?? 0) + 1;
            foreach (var c in customers) c.Id = next++;
            ModelBulkInsert.Insert(db, db.Database.GetDbConnection(), transaction.GetDbTransaction(), customers, null, ct);
            return;
        }
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Customers.AddRange(customers);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        db.ChangeTracker.AutoDetectChangesEnabled = detect;
    }

    private async Task WriteCustomValuesAsync(List<Group> groups, DedupePolicy policy, IDbContextTransaction transaction, CancellationToken ct)
    {
        var wanted = new Dictionary<(long, int), object?>();
        foreach (var group in groups)
            foreach (var row in group.Rows)
                foreach (var (field, value) in row.Custom)
                    wanted.TryAdd((group.CustomerId!.Value, field), value);
        if (wanted.Count == 0) return;
        var customerIds = wanted.Keys.Select(k => k.Item1).Distinct().ToList();
        var fieldIds = wanted.Keys.Select(k => k.Item2).Distinct().ToList();
        var current = new Dictionary<(long, int), CustomFieldValue>();
        foreach (var chunk in customerIds.Chunk(2_000))
            foreach (var v in await db.CustomFieldValues.Where(v => chunk.Contains(v.CustomerId) && fieldIds.Contains(v.FieldId)).ToListAsync(ct))
                current[(v.CustomerId, v.FieldId)] = v;
        var inserts = new List<CustomFieldValue>();
        foreach (var ((customer, field), value) in wanted)
        {
            if (current.TryGetValue((customer, field), out var row))
            {
                if (policy == DedupePolicy.Skip || (policy == DedupePolicy.FillEmpty && HasValue(row))) continue;
                SetValue(row, value);
            }
            else
            {
                row = new CustomFieldValue { CustomerId = customer, FieldId = field };
                SetValue(row, value);
                inserts.Add(row);
            }
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        await ModelBulkInsert.InsertAsync(db, transaction, inserts, ct);
    }

    private static bool HasValue(CustomFieldValue v) => v.TextValue is not null || v.NumberValue is not null || v.DateValue is not null || v.BoolValue is not null;

    private static void SetValue(CustomFieldValue row, object? value)
    {
        (row.TextValue, row.NumberValue, row.DateValue, row.BoolValue) = (null, null, null, null);
        switch (value)
        {
            case decimal n: row.NumberValue = n; break;
            case DateOnly d: row.DateValue = d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc); break;
            case bool b: row.BoolValue = b; break;
            case string s: row.TextValue = s; break;
        }
    }

    private async Task WriteTagsAsync(List<Group> groups, long jobId, DateTime now, IDbContextTransaction transaction, CancellationToken ct)
    {
        var wanted = groups.SelectMany(g => g.Rows.SelectMany(r => r.Tags).Select(t => (Customer: g.CustomerId!.Value, t.TagId, t.ValueId))).Distinct().ToList();
        if (wanted.Count == 0) return;
        var tagIds = wanted.Select(w => w.TagId).Distinct().ToList();
        var customers = wanted.Select(w => w.Customer).Distinct().ToList();
        var held = new HashSet<(long, int, int)>();
        foreach (var chunk in customers.Chunk(2_000))
            foreach (var a in await db.TagAssignments.AsNoTracking().Where(a => chunk.Contains(a.CustomerId) && tagIds.Contains(a.TagId))
                         .Select(a => new { a.CustomerId, a.TagId, a.TagValueId }).ToListAsync(ct))
                held.Add((a.CustomerId, a.TagId, a.TagValueId));
        var expiry = await db.Tags.AsNoTracking().Where(t => tagIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.ExpiryDays, ct);
        var source = $"import #{jobId}";
        var add = wanted.Where(w => !held.Contains(w)).ToList();
        await ModelBulkInsert.InsertAsync(db, transaction, add.Select(w => new TagAssignment
        {
            CustomerId = w.Customer, TagId = w.TagId, TagValueId = w.ValueId, Source = AssignmentSource.Import, SourceRef = source,
            AssignedAt = now, ExpiresAt = expiry[w.TagId] is { } days ? now.AddDays(days) : null,
        }).ToList(), ct);
        await ModelBulkInsert.InsertAsync(db, transaction, add.Select(w => new TagAssignmentHistory
        {
            CustomerId = w.Customer, TagId = w.TagId, TagValueId = w.ValueId, Action = AssignmentAction.Added, Source = AssignmentSource.Import,
            SourceRef = source, At = now,
        }).ToList(), ct);
    }

    private async Task<ImportCatalog> CatalogAsync(CancellationToken ct)
    {
        var fields = await db.CustomFields.AsNoTracking().ToDictionaryAsync(f => f.Code, ct);
        var tags = await db.Tags.AsNoTracking().Include(t => t.Values)
            .Where(t => t.Kind == TagKind.Manual && t.Status == TagStatus.Active).ToListAsync(ct);
        return new ImportCatalog(fields, tags.ToDictionary(t => t.Code, t => (t, (IReadOnlyList<TagValue>)t.Values.OrderBy(v => v.SortOrder).ToList())),
            await Workspace.WorkspaceTimeZone.LoadAsync(db, ct));
    }

    private async Task SetStatusAsync(long jobId, ImportStatus status, string? error, CancellationToken ct)
    {
        var finished = status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Cancelled ? Now : (DateTime?)null;
        await db.ImportJobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.Error, error)
            .SetProperty(j => j.FinishedAt, finished), ct);
    }
}
