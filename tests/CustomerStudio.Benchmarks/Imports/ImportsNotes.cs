namespace CustomerStudio.Benchmarks.Imports;

/// <summary>The fixed part of the docs section: what the figures say about the importer, and what would make it faster.</summary>
public static class ImportsNotes
{
    public const string Text = """
        ### What the figures say

        - **Memory is not the problem.** The import streams: ASP.NET Core buffers the upload to a temporary file, the
          counting pass and the import read it through CsvHelper row by row, and every batch clears EF's change tracker.
          The studio's peak RSS stays far below the 500 MB allowance above idle (table above) and its GC heap around
          100 MB at most. What grows with the file is `CustomerImporter`'s `createdHere` set (one `long` per created
          customer).
        - **Cleansing is cheap.** Parsing and cleansing together, libphonenumber included, are a few per cent of the
          import. The time goes to SQLite — looking up each batch's identities, writing customers and identities,
          committing — and to per-batch work in memory whose allocations (gigabytes per million rows) keep the garbage
          collector busy on two cores.
        - **EF Core 10 expands `Contains` into parameters.** `IdentityLookup.FindAsync` queries chunks of 2,000 values
          with `chunk.Contains(i.Value)`, which EF Core 10 translates to `IN (@p1, …, @p2000)`: each chunk builds,
          prepares and binds a new 2,001-parameter command, and Microsoft.Data.Sqlite looks every parameter up by name.
          One JSON parameter read by `json_each` answers the same lookup about four times faster (what-if above).
        - **Most bytes written are rewrites.** The studio and the hand SQL each write about 12 GB to storage for a
          database that ends near 0.5 GB: every commit appends each page it dirtied to the WAL, and checkpoints copy
          them back into the file. The keys of the unique (Kind, Value) identity index and of the customers' birth date
          and province / city indexes spread over their whole range, so a 5,000-row transaction dirties a large part of
          those indexes' pages, and the next one dirties them again. Ten times larger transactions cut the hand SQL's
          writes about fivefold and its time by about 40 %; `synchronous = NORMAL` alone changes little (what-if above).
        - **Bulk inserts bind one row per statement now.** Before commit 9945575 `ModelBulkInsert` wrote 64 rows per
          statement (49 customers × 20 columns = 980 parameters), and binding by name costs O(P²) per statement: this
          benchmark measured the same import at 129 s then (1-minute load 4.6–5.2), and its profile spent 45 s
          inserting customers, 49 µs each; now 10–14 µs.

        ### Suggestions (core, not changed by this benchmark)

        1. `IdentityLookup.FindAsync`: `EF.Parameter(chunk).Contains(i.Value)` (or
           `UseParameterizedCollectionMode(ParameterTranslationMode.Parameter)` for the SQLite context) so the values
           travel as one JSON array read by `json_each`; with no parameter limit left, one query per kind and batch (or
           one for all kinds, with (kind, value) pairs in the JSON) instead of chunks of 2,000. The profile's estimate
           puts the saving at up to ≈ 20 s of a 1M-row import.
        2. Commit less often than every batch on SQLite: keep 5,000-row batches in memory (what is held per batch does
           not grow), but let one transaction span several batches — e.g. commit every 50,000 rows or every few seconds.
           The job's progress is written in the same transaction, so resuming after a crash stays exact (it repeats at
           most the uncommitted batches); the progress bar moves in larger steps unless the worker also reports progress
           in memory.
        3. `ImportWorker.RunAsync` parses the whole file a second time only to show a total: count line breaks with a
           byte scan, or show progress as bytes read (`stream.Position / stream.Length`) and the row count when done.
        4. Fewer allocations per row in `CustomerImporter` / `CustomerRowCleaner`: `CleanRow` allocates two
           dictionaries and two lists per row and boxes every value; `Apply` runs 14 LINQ searches with closures per
           customer; matching builds `Where/Select/Distinct/Order/ToList` per group. Typed fields on `CleanRow` and one
           pass over a group's rows would cut most of it, and with it GC time ("the rest" in the profile).
        """;
}
