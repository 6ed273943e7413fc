namespace CustomerStudio.Benchmarks.Ingestion;

/// <summary>
/// The analysis printed under the figures: where the time goes and suggestions for the core. It comes from profiles
/// taken in separate runs of this command on the same machine and day (not during the recorded run, which profiling
/// would disturb), so it is kept here as text and printed with every run.
/// </summary>
public static class IngestNotes
{
    public const string Markdown = """
        ### Where the time goes

        Profiles from separate runs of the same command on the same machine and day (profiling would disturb the recorded run):
        `dotnet-trace collect --profile dotnet-sampled-thread-time` for 30 s of the capacity phase, `--profile gc-collect`
        for a 2-minute run, `perf record -g` for 40 s at 10,000 events/s.

        - **The single writer is the limit, not HTTP, JSON or validation.** In the capacity phase the `IngestionWriter`
          thread is busy all the time, while parsing and validating requests on the request threads costs about 3 % of
          what the writer spends. The writer's time: the commit 37 % (WAL fsync, plus the automatic checkpoint of
          1,000 pages into the main file that SQLite runs inside a commit), inserting events and properties through
          `ModelBulkInsert` 32 %, resolving customers 29 % (of which 18 % is `IdentityLookup.FindAsync`: chunked
          `Value IN (…)` queries for every identity of every waiting request, then inserting new customers and
          identities); idempotency lookups and records the remaining ~3 %.
        - **Group commit is why the studio beats the baseline flat out**: with 8 × 500 events in flight several requests
          share one transaction and one fsync, where the hand-written loop commits every 500 events. Per event the
          studio does more work (EF queries, generic bulk insert, idempotency, the event feed).
        - **CPU**: at 10,000 events/s the studio uses about 0.4 of a core. `perf`: 38 % of its CPU in the kernel, mostly
          `pread`/`pwrite` copies of SQLite pages from and to the OS page cache (SQLite's own cache is the default 2 MB
          per connection, much smaller than the indexes the inserts touch at random: Events (CustomerId, Type,
          OccurredAt) and (Type, OccurredAt, CustomerId), EventProperties (Key, Value, EventId), CustomerIdentities
          (Kind, Value)); 22 % in SQLite; about 5 % in `strncmp` / `sqlite3VListNameToNum`, because
          Microsoft.Data.Sqlite looks every parameter up by name on every execution.
        - **The tail comes from the studio's own jobs.** The slowest batches fall in the minute in which
          `LeadScoringJob` ran (see the list above the targets). Its first run (2 minutes after start, then hourly)
          writes every changed score, lifecycle change and sales task in one transaction; while it holds SQLite's only
          write lock the ingestion writer waits and requests pile up (the maximum in flight and the maximum
          accept → durable in the tables). The minute tag sweep (`TagRefreshJob`) and
          `RealTimeTags` are smaller versions of the same thing (`RealTimeTags` now recomputes only the real-time
          tags that read what arrived; the demo's only one, `purchased`, reads orders, so this stream leaves it alone).
        - **Any other writer costs 150 ms.** When an ingestion commit finds SQLite's write lock taken,
          Microsoft.Data.Sqlite retries the statement after sleeping 150 ms. The journey runtime's trigger sweep used
          to read each batch of new events inside its write transaction and save its events cursor every 350 ms; at
          this rate that put 150–180 ms into the p99 of every 10-second window (80-second runs: p99 179 ms with the
          runtime, 35.6 ms with `Journeys:Enabled=false`). The sweep now reads first, writes only to move its cursor
          (compare-and-set) with what it changed, and saves the cursor at most every 10 s while events change no
          instance: 43.5 ms in the same 80-second run. What remains in the tail is the minute jobs.
        - **GC is not the limit**: Workstation GC, about 5 collections a second (gen0 3.6 ms and gen1 7.7 ms on average,
          about 2.4 % of wall-clock time), gen2 rarely (triggered by large-object allocations such as the writer's
          event lists of up to 20,000); the longest pauses (50–80 ms) fall in the lead-scoring run.
        - **The disk is not the limit at this rate**: the fsync probe's p99 is a few ms; the studio's commit share is
          the fsync plus the checkpoints.

        ### Suggestions (core, not changed by this benchmark)

        1. **Keep other writers' transactions short** (the p99 / max): `LeadScoring.ComputeAsync` (and likewise
           `RfmScoring`, `TagAssignments.ApplyComputedAsync`, segment refreshes) should commit in bounded slices,
           e.g. ≤ 5,000 rows or ≈ 100 ms per transaction, so the ingestion writer never waits for more than one
           slice. The reads already run outside the transaction.
        2. **`RealTimeTags`: recompute only what the new events can change.** Done after the run above: a pass
           recomputes a tag only when an event type it counts, orders, or the customer data it reads arrived
           (`purchased` no longer runs on events; orders from the API now feed it). Still open: recompute for the
           arrived customers rather than everyone. The 10-minute run was not repeated after the change.
        3. **SQLite connection settings for the writer**: `PRAGMA cache_size = -65536` (64 MB) and
           `PRAGMA mmap_size = 268435456` through a `DbConnectionInterceptor` on open, to cut the page copies through
           the kernel; keep `synchronous = FULL` (an acknowledged event must survive a power cut, not only a crash).
           Running the WAL checkpoint from a background connection (`PRAGMA wal_checkpoint(PASSIVE)` every few
           seconds, with a larger `wal_autocheckpoint`) takes it out of the ingestion commits.
        4. **Customer resolution**: the writer creates every customer the API creates, so it can keep a bounded
           in-memory map from identity to customer id (invalidated by merges and deletions) and query only the
           misses; or look identities up through one `json_each` parameter instead of chunked `IN` lists.
        5. **Inserting events on SQLite**: one statement per table and commit reading a JSON parameter,
           `INSERT INTO "Events" (…) SELECT … FROM json_each($rows)` (and the same for `EventProperties`), instead of
           one execution per row: no per-row parameter binding by name, no EF getter and converter per value.
        Fixed since this measurement (commits after it; re-checked in a 1-minute run at load 12: `customersCreated` summed
        199,959 = customers created, 600,000 of 600,000 stored): `customersCreated` counts a customer created in a group
        commit once, for the first request naming it; a retry with the same `Idempotency-Key` landing in the same group
        commit as its first try replays that answer instead of failing the transaction.
        """;
}
