namespace CustomerStudio.Benchmarks.Tags;

/// <summary>
/// The baseline: a rule tag recomputed with SQL a developer would write by hand for SQLite. Constant text, every
/// value a parameter; each statement is prepared once and run in one transaction per recompute. The wanted
/// (customer, value) pairs go into a temporary table, then only the differences are written: assignments no longer
/// wanted are deleted, new ones inserted, and each change leaves a history row (on a single-valued tag a customer
/// moving from one value to another is one "changed" row, as the engine writes it). Merged-away customers are left
/// out, as <c>Audience</c> does.
/// </summary>
public static class TagsHandSql
{
    public const string CreateTemp = """
        CREATE TEMP TABLE IF NOT EXISTS bench_wanted ("CustomerId" INTEGER NOT NULL, "ValueId" INTEGER NOT NULL, PRIMARY KEY ("CustomerId", "ValueId")) WITHOUT ROWID;
        CREATE TEMP TABLE IF NOT EXISTS bench_added ("CustomerId" INTEGER NOT NULL, "ValueId" INTEGER NOT NULL, PRIMARY KEY ("CustomerId", "ValueId")) WITHOUT ROWID;
        CREATE TEMP TABLE IF NOT EXISTS bench_stale ("Id" INTEGER PRIMARY KEY, "CustomerId" INTEGER NOT NULL, "ValueId" INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS temp.bench_stale_customer ON bench_stale ("CustomerId");
        """;

    public static readonly string[] Clear =
    [
        "DELETE FROM temp.bench_wanted",
        "DELETE FROM temp.bench_added",
        "DELETE FROM temp.bench_stale",
    ];

    // ------------------------------------------------------------------ what each tag wants

    /// <summary>(a) Spending power, first match: paid-order sum ≥ 2000 high, ≥ 500 medium, any paid order low — one pass over the orders.</summary>
    public const string WantedSpending = """
        INSERT INTO temp.bench_wanted ("CustomerId", "ValueId")
        SELECT o."CustomerId",
               CASE WHEN SUM(o."Amount") >= $high_min THEN $high
                    WHEN SUM(o."Amount") >= $medium_min THEN $medium
                    ELSE $low END
        FROM "Orders" AS o
        WHERE o."Status" = $paid
          AND o."CustomerId" IN (SELECT c."Id" FROM "Customers" AS c WHERE c."MergedIntoId" IS NULL)
        GROUP BY o."CustomerId"
        """;

    /// <summary>(b) Active in 7 days: a page view since $since (no values: value id 0).</summary>
    public const string WantedActive = """
        INSERT INTO temp.bench_wanted ("CustomerId", "ValueId")
        SELECT c."Id", 0 FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (SELECT e."CustomerId" FROM "Events" AS e WHERE e."Type" = $type AND e."OccurredAt" >= $since)
        """;

    /// <summary>(c) Interests, every match: hot lead (attributes), /pricing viewer and app user (events in 30 days).</summary>
    public const string WantedInterests = """
        INSERT INTO temp.bench_wanted ("CustomerId", "ValueId")
        SELECT c."Id", $hot_lead FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL AND c."LeadScore" >= $score AND c."LifecycleStage" IN ($mql, $sql)
        UNION ALL
        SELECT c."Id", $pricing_viewer FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (
              SELECT e."CustomerId" FROM "Events" AS e
              WHERE e."Type" = $page_view AND e."OccurredAt" >= $since
                AND e."Id" IN (SELECT p."EventId" FROM "EventProperties" AS p WHERE p."Key" = $key AND p."Value" = $value))
        UNION ALL
        SELECT c."Id", $app_user FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (SELECT e."CustomerId" FROM "Events" AS e WHERE e."Type" = $app_open AND e."OccurredAt" >= $since)
        """;

    // ------------------------------------------------------------------ the differences, written

    /// <summary>Wanted pairs the tag does not carry yet.</summary>
    public const string Added = """
        INSERT INTO temp.bench_added ("CustomerId", "ValueId")
        SELECT w."CustomerId", w."ValueId" FROM temp.bench_wanted AS w
        WHERE NOT EXISTS (
            SELECT 1 FROM "TagAssignments" AS a
            WHERE a."CustomerId" = w."CustomerId" AND a."TagId" = $tag AND a."TagValueId" = w."ValueId")
        """;

    /// <summary>The rule's assignments no longer wanted (other sources are left alone).</summary>
    public const string Stale = """
        INSERT INTO temp.bench_stale ("Id", "CustomerId", "ValueId")
        SELECT a."Id", a."CustomerId", a."TagValueId" FROM "TagAssignments" AS a
        WHERE a."TagId" = $tag AND a."Source" = $source
          AND NOT EXISTS (SELECT 1 FROM temp.bench_wanted AS w WHERE w."CustomerId" = a."CustomerId" AND w."ValueId" = a."TagValueId")
        """;

    public const string HistoryAdded = """
        INSERT INTO "TagAssignmentHistory" ("CustomerId", "TagId", "TagValueId", "Action", "Source", "SourceRef", "By", "At")
        SELECT d."CustomerId", $tag, d."ValueId",
               CASE WHEN $single = 1 AND EXISTS (SELECT 1 FROM temp.bench_stale AS s WHERE s."CustomerId" = d."CustomerId")
                    THEN $changed ELSE $added END,
               $source, $ref, $by, $at
        FROM temp.bench_added AS d
        """;

    public const string HistoryRemoved = """
        INSERT INTO "TagAssignmentHistory" ("CustomerId", "TagId", "TagValueId", "Action", "Source", "SourceRef", "By", "At")
        SELECT s."CustomerId", $tag, s."ValueId", $removed, $source, $ref, $by, $at
        FROM temp.bench_stale AS s
        WHERE NOT ($single = 1 AND EXISTS (SELECT 1 FROM temp.bench_added AS d WHERE d."CustomerId" = s."CustomerId"))
        """;

    public const string DeleteStale = """
        DELETE FROM "TagAssignments" WHERE "Id" IN (SELECT s."Id" FROM temp.bench_stale AS s)
        """;

    public const string InsertAdded = """
        INSERT INTO "TagAssignments" ("CustomerId", "TagId", "TagValueId", "Source", "SourceRef", "AssignedBy", "AssignedAt", "ExpiresAt", "Score")
        SELECT d."CustomerId", $tag, d."ValueId", $source, $ref, $by, $at, NULL, NULL
        FROM temp.bench_added AS d
        """;

    public const string TouchTag = """
        UPDATE "Tags" SET "LastComputedAt" = $at WHERE "Id" = $tag
        """;

    /// <summary>Today's coverage point: overwritten through the day, inserted by the day's first recompute.</summary>
    public const string CoverageUpdate = """
        UPDATE "TagCoverageSnapshots"
        SET "Customers" = (SELECT COUNT(DISTINCT a."CustomerId") FROM "TagAssignments" AS a
                           WHERE a."TagId" = $tag AND (a."ExpiresAt" IS NULL OR a."ExpiresAt" > $at)),
            "At" = $at
        WHERE "TagId" = $tag AND "At" >= $day
        """;

    public const string CoverageInsert = """
        INSERT INTO "TagCoverageSnapshots" ("TagId", "At", "Customers")
        SELECT $tag, $at, (SELECT COUNT(DISTINCT a."CustomerId") FROM "TagAssignments" AS a
                           WHERE a."TagId" = $tag AND (a."ExpiresAt" IS NULL OR a."ExpiresAt" > $at))
        WHERE changes() = 0
        """;
}
