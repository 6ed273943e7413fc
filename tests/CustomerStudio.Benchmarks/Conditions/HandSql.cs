namespace CustomerStudio.Benchmarks.Conditions;

/// <summary>
/// The baseline: for each benchmark condition, the SQLite query a developer would write by hand. Constant text;
/// every value is a parameter bound by <see cref="ConditionsBenchmark"/>. Merged-away customers are left out, as
/// <c>Audience</c> does.
/// </summary>
public static class HandSql
{
    /// <summary>华东 AND ≥ 3 /pricing page views in the last 7 days AND NOT tagged purchased.</summary>
    public const string Segment3 = """
        SELECT COUNT(*) FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Province" IN ($p0, $p1, $p2)
          AND c."Id" IN (
              SELECT e."CustomerId"
              FROM "Events" AS e
              WHERE e."Type" = $type AND e."OccurredAt" >= $since
                AND e."Id" IN (SELECT p."EventId" FROM "EventProperties" AS p WHERE p."Key" = $key AND p."Value" = $value)
              GROUP BY e."CustomerId"
              HAVING COUNT(*) >= $n)
          AND NOT EXISTS (
              SELECT 1 FROM "TagAssignments" AS t
              WHERE t."CustomerId" = c."Id" AND t."TagId" = $tag AND (t."ExpiresAt" IS NULL OR t."ExpiresAt" > $now))
        """;

    /// <summary>The same segment for one customer (a journey branch): does customer $id match?</summary>
    public const string Segment3One = """
        SELECT EXISTS (
            SELECT 1 FROM "Customers" AS c
            WHERE c."Id" = $id AND c."MergedIntoId" IS NULL
              AND c."Province" IN ($p0, $p1, $p2)
              AND (SELECT COUNT(*) FROM "Events" AS e
                   WHERE e."CustomerId" = c."Id" AND e."Type" = $type AND e."OccurredAt" >= $since
                     AND EXISTS (SELECT 1 FROM "EventProperties" AS p WHERE p."EventId" = e."Id" AND p."Key" = $key AND p."Value" = $value)) >= $n
              AND NOT EXISTS (
                  SELECT 1 FROM "TagAssignments" AS t
                  WHERE t."CustomerId" = c."Id" AND t."TagId" = $tag AND (t."ExpiresAt" IS NULL OR t."ExpiresAt" > $now)))
        """;

    /// <summary>Name contains a text, ignoring (ASCII) case: no index can help.</summary>
    public const string NameContains = """
        SELECT COUNT(*) FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL AND c."Name" LIKE '%' || $text || '%'
        """;

    /// <summary>Paid orders in the last 365 days summing to at least an amount.</summary>
    public const string OrdersSum = """
        SELECT COUNT(*) FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (
              SELECT o."CustomerId" FROM "Orders" AS o
              WHERE o."Status" = $status AND o."OrderedAt" >= $since
              GROUP BY o."CustomerId"
              HAVING SUM(o."Amount") >= $min)
        """;

    /// <summary>At least one event of a type in a window: most customers qualify.</summary>
    public const string EventInWindow = """
        SELECT COUNT(*) FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (SELECT e."CustomerId" FROM "Events" AS e WHERE e."Type" = $type AND e."OccurredAt" >= $since)
        """;

    /// <summary>At least n events of a type, ever: grouped over every event of the type.</summary>
    public const string EventCountEver = """
        SELECT COUNT(*) FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND c."Id" IN (
              SELECT e."CustomerId" FROM "Events" AS e WHERE e."Type" = $type
              GROUP BY e."CustomerId"
              HAVING COUNT(*) >= $n)
        """;

    /// <summary>The refresh segment: tagged purchased, or lead score ≥ a threshold and a page view in the window.</summary>
    public const string RefreshMatching = """
        SELECT c."Id" FROM "Customers" AS c
        WHERE c."MergedIntoId" IS NULL
          AND (c."Id" IN (
                  SELECT t."CustomerId" FROM "TagAssignments" AS t
                  WHERE t."TagId" = $tag AND (t."ExpiresAt" IS NULL OR t."ExpiresAt" > $now))
               OR (c."LeadScore" >= $score
                   AND c."Id" IN (SELECT e."CustomerId" FROM "Events" AS e WHERE e."Type" = $type AND e."OccurredAt" >= $since)))
        """;

    public const string RefreshCount = "SELECT COUNT(*) FROM (" + RefreshMatching + ")";

    /// <summary>Refresh by hand: the matching ids in a temporary table, then set differences written with INSERT … SELECT.</summary>
    public static readonly string[] RefreshSteps =
    [
        "DROP TABLE IF EXISTS temp.bench_matching",
        "CREATE TEMP TABLE bench_matching (id INTEGER PRIMARY KEY)",
        "INSERT INTO temp.bench_matching (id) " + RefreshMatching,
        """
        INSERT INTO "SegmentMembershipLog" ("SegmentId", "CustomerId", "Change", "At")
        SELECT m."SegmentId", m."CustomerId", 1, $at FROM "SegmentMemberships" AS m
        WHERE m."SegmentId" = $segment AND m."CustomerId" NOT IN (SELECT id FROM temp.bench_matching)
        """,
        """
        DELETE FROM "SegmentMemberships"
        WHERE "SegmentId" = $segment AND "CustomerId" NOT IN (SELECT id FROM temp.bench_matching)
        """,
        """
        INSERT INTO "SegmentMembershipLog" ("SegmentId", "CustomerId", "Change", "At")
        SELECT $segment, b.id, 0, $at FROM temp.bench_matching AS b
        WHERE b.id NOT IN (SELECT m."CustomerId" FROM "SegmentMemberships" AS m WHERE m."SegmentId" = $segment)
        """,
        """
        INSERT INTO "SegmentMemberships" ("SegmentId", "CustomerId", "EnteredAt")
        SELECT $segment, b.id, $at FROM temp.bench_matching AS b
        WHERE b.id NOT IN (SELECT m."CustomerId" FROM "SegmentMemberships" AS m WHERE m."SegmentId" = $segment)
        """,
        """
        UPDATE "Segments" SET "MemberCount" = (SELECT COUNT(*) FROM temp.bench_matching), "LastRefreshedAt" = $at
        WHERE "Id" = $segment
        """,
        """
        INSERT INTO "SegmentSizeSnapshots" ("SegmentId", "At", "Size")
        VALUES ($segment, $at, (SELECT COUNT(*) FROM temp.bench_matching))
        """,
        "DROP TABLE temp.bench_matching",
    ];
}
