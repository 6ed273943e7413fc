namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>The fixed part of the docs section: what changed in the runtime, where the engine still loses time, what would make it faster.</summary>
public static class JourneysNotes
{
    public const string Text = """
        ### What the benchmark changed in the runtime

        The first recorded run of this command (2026-11-24 12:40 UTC, commit 5d1cb00, same machine, 1-minute load 8.5–25.8
        during the measurements) **missed the timer target**: engine p99 419 / 1,772 / 120 ms in its three runs (hand
        SQL 571 / 361 / 177 ms); the run at 1,772 ms was the one under the highest load (25.8), where the engine, needing
        about twice the hand SQL's CPU per wake, fell behind the 1,667 wakes/s. Durable steps were 18,766 steps/s p50
        (15,664 slowest; hand SQL 55,065 / 29,711), enrolment 1.51 / 2.61 s. Its profile put 37 µs of the engine's
        89–102 µs per instance outside any SQL, in EF preparing one `ExecuteUpdate` per instance at the end of every batch.
        Commit 851d681 changed `JourneyEngine` (`src/CustomerStudio.Core/Journeys/Runtime/JourneyEngine.cs`), behaviour
        unchanged:

        1. **Write-back by resulting state.** The instances of a batch are grouped by what is written to them (status,
           node, wake time, awaited event, resume port, error, state, end and update times, new revision) and by the
           revision they were read at; each group is one `UPDATE … WHERE "Id" IN (…) AND "Revision" = @read`, and the
           number of rows written must equal the group's size, else the whole batch rolls back as before (a test,
           `JourneyWriteBackTests`, pins this on SQLite and PostgreSQL and passes before and after). A batch that moves
           500 instances to the same wait is one statement instead of 500.
        2. **Id lists as one parameter.** The claim, the read of the claimed instances and the read of their customers
           send the ids as one collection parameter (`EF.Parameter(ids)`, read by `json_each` on SQLite), as
           `JourneyEnrollment` already did, instead of one named parameter per id.

        In the profile the engine's cost per instance went from 102 / 89 µs (trigger → wait / wake → exit, first run) to
        the figures of the table above. The first run's timer figures and later ones are only comparable at similar load: a
        run on a quiet machine does not show how the engine keeps up at a load of 25.

        ### Where the engine still loses time to the hand SQL

        - **Enrolment reads the log into memory.** `JourneyTriggers` reads up to 50,000 `entered` rows a sweep, checks
          which customers are live and which already have an instance (one query per 10,000 customers), then writes the
          new instances through `ModelBulkInsert`, one prepared `INSERT` execution per row. The hand SQL does the same
          selection and insert inside SQLite in one `INSERT … SELECT … NOT EXISTS`. Both are far inside the 10 s allowed.
        - **Claiming costs two statements more than the hand SQL's read.** `AdvanceDueAsync` selects the due ids, claims
          them with an `UPDATE` and reads them back; the claim is what lets several workers share the instances (the
          hand SQL is a single writer and has none).
        - **The due query sorts every due instance.** `WHERE "Status" IN (0, 1) AND "WakeAt" <= @now … ORDER BY
          "WakeAt" LIMIT 500` is answered from the (Status, WakeAt) index once per status, then sorted
          (`USE TEMP B-TREE FOR ORDER BY`): when 100,000 instances are due at once, as after a mass enrolment, each
          claim reads them all (the "claim: select due ids" row of the profile); when only a few are due, as in the
          timer phase, it costs little. The hand SQL's query has the same plan.
        - **Per-batch fixed costs and the poll loop.** In the timer phase a batch holds only what came due since the
          last one, so the claim, the batch reads and the commit (an fsync of the WAL, `synchronous` FULL) are paid for
          a few instances. The engine's batch — seven statements, the step-row inserts and a commit, about 1.5 ms on a
          quiet machine even for 2 instances — is longer than the 0.6 ms between two wakes at 1,667 wakes/s, so
          `JourneyTimerJob` never finds nothing due, never rests, and keeps most of a core busy; the hand SQL's batch of
          one or two instances takes about 0.3 ms, empties the queue, and sleeps 100 ms. On a busy machine the side
          needing more CPU per wake falls behind first: that is how the first recorded run missed the target (this
          paragraph describes the loop before the trickle pause of suggestion 3).

        ### Suggestions (not done)

        1. A partial index on `("WakeAt") WHERE "Status" IN (0, 1)` (a migration for each provider) would let the due
           query stop after the batch's first 500 rows instead of sorting all due instances.
        2. Claim and read in one statement (`UPDATE … RETURNING` on SQLite and PostgreSQL, `OUTPUT` on SQL Server).
        3. Done after the run at 13:18 UTC (which measured the busy loop: ≈ 50 s of CPU per 60 s of timers against ≈ 8 s
           for the hand SQL): `SweepingJob` rests `Journeys:TrickleMilliseconds` (25 ms) after a batch under a tenth of a
           full one, so a steady trickle of wakes costs a few batches a second; the figures above are measured with it.
        4. Segment-entry enrolment on SQLite as one `INSERT … SELECT` from the log with the entry rule as
           `NOT EXISTS`, as the hand SQL does, if enrolments ever need to be faster than the seconds measured here.
        """;
}
