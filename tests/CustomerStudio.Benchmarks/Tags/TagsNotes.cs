namespace CustomerStudio.Benchmarks.Tags;

/// <summary>The fixed part of the docs section: what the figures say about the engine, and what would make it faster.</summary>
public static class TagsNotes
{
    public const string Text = """
        ### Where the engine loses time to the hand SQL

        - **Writing new assignments.** `TagAssignments.ApplyComputedAsync` turns every added pair into an entity and
          writes it, and its history row, through `ModelBulkInsert`, one prepared `INSERT` execution per row (or per
          batch of rows). Microsoft.Data.Sqlite binds every parameter by name on every execution
          (`sqlite3_bind_parameter_index`, a linear search through the statement's names), so wide multi-row
          statements cost more per row than they save: the first version of this benchmark measured the shipped
          64-row statements (576 parameters) and commit 9945575 changed `ModelBulkInsert` to one row per statement (the
          write probe above keeps the 64-row variant for comparison). Row by row through the provider is still slower
          than the set-based write, and it is most of a first computation (the "insert rows + history" column).
        - **One query per rule.** A first-match tag runs each rule as its own query over every customer (three
          correlated aggregates over the orders for "spending power"), then decides values in memory; the hand SQL
          reads the orders once, grouped by customer, and picks the value with `CASE`. The rules of the multi-match tag
          read different rows, so one query each costs about what the hand SQL's `UNION ALL` does.
        - **The diff in memory.** Every recompute, even with nothing changed, loads all the tag's assignments and
          compares them in .NET ("load current assignments" and "in memory"); the hand SQL compares inside SQLite with
          `NOT EXISTS` probes on the unique (CustomerId, TagId, TagValueId) index.

        ### Suggestions (for the core; the benchmark itself changes nothing in src/)

        1. Done since the first measurements (commit 9945575): `ModelBulkInsert` binds one row per statement, which
           every caller (segment refresh, demo seed, tag writes) gains from.
        2. `ApplyComputedAsync` on SQLite: write the difference set-based, as `TagsHandSql` does — the wanted pairs
           into a temporary table (2 parameters a row), then `INSERT … SELECT … WHERE NOT EXISTS` for additions and
           their history, `DELETE … WHERE NOT EXISTS` for removals. It also saves loading the current assignments.
           Server databases can keep the EF path or use their bulk copy.
        3. `TagRuleEngine`: compile a first-match definition into one query (`CASE WHEN rule1 THEN v1 WHEN rule2 …`)
           and a multi-match one into one `UNION ALL`, so the database reads the rows once; for rules that aggregate
           every customer's orders or events, the grouped (set) shape reads each row once where the per-customer
           shape seeks once per customer for each rule.
        """;
}
