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
        - **Identity lookups send one parameter.** EF Core 10 translates `chunk.Contains(i.Value)` to `IN (@p1, …)`, and
          Microsoft.Data.Sqlite binds every parameter by name: chunks of 2,000 values cost ≈ 27 s of a 1M-row import.
          Since commit 7dd9798 `IdentityLookup.FindAsync` sends the values as one collection parameter (`EF.Parameter`,
          read by `json_each`), in chunks of 10,000.
        - **Most bytes written are rewrites.** The studio and the hand SQL each write about 12 GB to storage for a
          database that ends near 0.5 GB: every commit appends each page it dirtied to the WAL, and checkpoints copy
          them back into the file. The keys of the unique (Kind, Value) identity index and of the customers' birth date
          and province / city indexes spread over their whole range, so a 5,000-row transaction dirties a large part of
          those indexes' pages, and the next one dirties them again. Ten times larger transactions cut the hand SQL's
          writes about fivefold and its time by about 40 %; `synchronous = NORMAL` alone changes little (what-if tables of `--profile`).
        - **Fewer, larger transactions.** Since commit 7dd9798 the importer commits every 20,000 rows instead of 5,000
          (progress is still written in the same transaction, so a resumed import repeats nothing). Together with the
          lookup change the import went from 74.4 s (10:07 run, before both) to the figure in the table.
        - **Bulk inserts bind one row per statement now.** Before commit 9945575 `ModelBulkInsert` wrote 64 rows per
          statement (49 customers × 20 columns = 980 parameters), and binding by name costs O(P²) per statement: this
          benchmark measured the same import at 129 s then (1-minute load 4.6–5.2), and its profile spent 45 s
          inserting customers, 49 µs each; now 10–14 µs.

        ### Further suggestions (not done)

        3. `ImportWorker.RunAsync` parses the whole file a second time only to show a total: count line breaks with a
           byte scan, or show progress as bytes read (`stream.Position / stream.Length`) and the row count when done.
        4. Fewer allocations per row in `CustomerImporter` / `CustomerRowCleaner`: `CleanRow` allocates two
           dictionaries and two lists per row and boxes every value; `Apply` runs 14 LINQ searches with closures per
           customer; matching builds `Where/Select/Distinct/Order/ToList` per group. Typed fields on `CleanRow` and one
           pass over a group's rows would cut most of it, and with it GC time ("the rest" in the profile).
        """;
}
