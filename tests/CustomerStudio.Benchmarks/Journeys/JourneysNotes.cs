namespace CustomerStudio.Benchmarks.Journeys;

/// <summary>The fixed part of the docs section: what the figures say about the runtime, and what would make it faster.</summary>
public static class JourneysNotes
{
    public const string Text = """
        ### Where the engine loses time to the hand SQL

        - **Enrolment reads the log into memory.** `JourneyTriggers` reads up to 50,000 `entered` rows a sweep, checks
          which customers are live and which already have an instance (one query per 10,000 customers, each sending
          the ids as one JSON collection parameter), then writes the new instances through `ModelBulkInsert`, one
          prepared `INSERT` execution per row. The hand SQL does the same selection and insert inside SQLite in one
          `INSERT … SELECT … NOT EXISTS`. Both are far inside the 10 s allowed.
        - **Claiming a batch costs three statements where the hand SQL needs one read.** `AdvanceDueAsync` selects the
          due ids, claims them with `UPDATE … WHERE "Id" IN (@candidates1, …, @candidates500)` and reads them back with
          the same list; EF Core 10 sends `List.Contains` as one named parameter per value, which Microsoft.Data.Sqlite
          binds by name (a linear search per parameter), and the customers of the batch are read the same way. The
          claim is what lets several workers share the instances (the hand SQL is a single writer and has none).
        - **The due query sorts every due instance.** `WHERE "Status" IN (0, 1) AND "WakeAt" <= @now … ORDER BY
          "WakeAt" LIMIT 500` is answered from the (Status, WakeAt) index once per status, then sorted
          (`USE TEMP B-TREE FOR ORDER BY`): when 100,000 instances are due at once, as after a mass enrolment, each
          claim reads them all (the "claim: select due ids" row of the profile); when only a few are due, as in the
          timer phase, it costs little. The hand SQL's query has the same plan.
        - **One `ExecuteUpdate` per instance.** At the end of a batch each instance is written back with its own EF
          `ExecuteUpdate` (revision checked). SQLite runs each in microseconds; most of the cost is EF building and
          parameterizing 500 statements a batch, which the profile counts under "EF and the engine between commands".
        - **Per-batch fixed costs set the timer lag.** In the timer phase a batch holds only what came due since the
          last one (a few dozen instances), so the claim, the batch reads and the commit (an fsync of the WAL,
          `synchronous` FULL) are paid for few instances; with nothing due the job sleeps `PollMilliseconds` (100 ms),
          which is most of the median lag of both sides.

        ### Suggestions (not done: every target is met, and `src/CustomerStudio.Core/Journeys/Runtime` is being edited elsewhere)

        1. Write the batch's instances back with one prepared command executed per instance (as `ModelBulkInsert`
           does for inserts) or one set-based `UPDATE … FROM json_each(@states)` on SQLite and PostgreSQL, checking
           that the rows written equal the batch size to keep the all-or-nothing revision check.
        2. Send the claim's and the batch reads' id lists as one collection parameter (`EF.Parameter(ids)`, read by
           `json_each`), as `JourneyEnrollment` already does, or claim and read in one `UPDATE … RETURNING`.
        3. A partial index on `("WakeAt") WHERE "Status" IN (0, 1)` (or one status value for "due") would let the
           due query stop after the batch's first 500 rows instead of sorting all due instances.
        """;
}
