using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;
using CustomerStudio.Core.Ingestion;
using CustomerStudio.Core.Segments;
using CustomerStudio.Core.Tags;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace CustomerStudio.Tests.Tags;

/// <summary>Real-time tags recompute when something they read arrives, and only then.</summary>
public class RealTimeTagsTests(TagWorld world) : IClassFixture<TagWorld>
{
    private static ConditionInputs Inputs(string json, IReadOnlyDictionary<string, string>? segments = null)
    {
        var parsed = ConditionJson.Parse(json);
        Assert.True(parsed.Ok, string.Join("; ", parsed.Errors));
        return ConditionInputs.Of(parsed.Condition!, segments);
    }

    [Fact]
    public void A_condition_names_the_event_types_orders_customer_data_and_tags_it_reads_with_dynamic_segments_inlined()
    {
        var inputs = Inputs("""
            {"all":[
              {"event":"demo_request","within":"P7D"},
              {"any":[{"not":{"event":"page_view"}},{"tag":"vip"}]},
              {"rfm":"segment","op":"eq","value":"champions"}]}
            """);
        Assert.Equal(["demo_request", "page_view"], inputs.EventTypes.Order(StringComparer.Ordinal));
        Assert.Equal(["vip"], inputs.Tags);
        Assert.Equal((false, false), (inputs.Orders, inputs.CustomerData));

        Assert.Equal((true, false), Inputs("""{"orders":"sum","op":"gte","value":100}""") is var o ? (o.Orders, o.CustomerData) : default);
        foreach (var customer in new[] { """{"attr":"city","op":"eq","value":"杭州"}""", """{"identity":"wechat_openid","op":"has"}""", """{"account":"in"}""" })
        {
            var c = Inputs(customer);
            Assert.True(c.CustomerData, customer);
            Assert.False(c.Orders, customer);
            Assert.Empty(c.EventTypes);
        }

        // A dynamic segment reads what its condition reads (a cycle is walked once); a static one is a stored snapshot.
        var segments = new Dictionary<string, string>
        {
            ["buyers"] = """{"all":[{"orders":"count","op":"gte","value":1},{"segment":"loop"}]}""",
            ["loop"] = """{"any":[{"event":"signup"},{"segment":"buyers"}]}""",
        };
        var inlined = Inputs("""{"segment":"buyers"}""", segments);
        Assert.True(inlined.Orders);
        Assert.Equal(["signup"], inlined.EventTypes);
        var stored = Inputs("""{"segment":"frozen_list"}""", segments);
        Assert.Equal((false, false, 0, 0), (stored.Orders, stored.CustomerData, stored.EventTypes.Count, stored.Tags.Count));

        var union = ConditionInputs.Union([Inputs("""{"event":"a"}"""), Inputs("""{"orders":"count","op":"gte","value":1}"""), Inputs("""{"tag":"t"}""")]);
        Assert.Equal((true, false), (union.Orders, union.CustomerData));
        Assert.Equal(["a"], union.EventTypes);
        Assert.Equal(["t"], union.Tags);
    }

    [Theory]
    [MemberData(nameof(TagWorld.Providers), MemberType = typeof(TagWorld))]
    public async Task Only_the_real_time_tags_reading_what_arrived_are_recomputed(DatabaseProvider provider)
    {
        await using var db = world.For(provider).CreateContext();
        var services = TagWorld.ServicesFor(db);
        var s = provider == DatabaseProvider.Sqlite ? "s" : "p";
        db.Segments.Add(new Segment
        {
            Code = "rt_buyers_" + s, Name = "rt buyers " + s, Kind = SegmentKind.Dynamic, CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now,
            DefinitionJson = """{"orders":"count","op":"gte","value":1}""",
        });
        await db.SaveChangesAsync();
        async Task<int> AddAsync(string code, string rule, RefreshRule refresh = RefreshRule.RealTime)
        {
            var tag = new Tag
            {
                CategoryId = world.CoreCategory, Code = code, NameZh = code, NameEn = code, Kind = TagKind.Rule, Status = TagStatus.Active,
                RefreshRule = refresh, CreatedAt = TagWorld.Now, UpdatedAt = TagWorld.Now,
                DefinitionJson = $$"""{"rules":[{"condition":{{rule}}}]}""",
            };
            db.Tags.Add(tag);
            await db.SaveChangesAsync();
            return tag.Id;
        }
        var viewed = await AddAsync("rt_viewed_" + s, """{"event":"page_view","within":"P7D"}""");
        var buyer = await AddAsync("rt_buyer_" + s, """{"orders":"count","op":"gte","value":1}""");
        var shanghai = await AddAsync("rt_shanghai_" + s, """{"attr":"province","op":"eq","value":"上海"}""");
        var onTag = await AddAsync("rt_viewed_buyer_" + s, $$"""{"all":[{"tag":"rt_viewed_{{s}}"},{"segment":"rt_buyers_{{s}}"}]}""");
        var inSegment = await AddAsync("rt_in_segment_" + s, $$"""{"segment":"rt_buyers_{{s}}"}""");
        var daily = await AddAsync("daily_viewed_" + s, """{"event":"page_view"}""", RefreshRule.Daily);
        // Active, but its segment is gone: it fails alone, the others go on.
        var broken = await AddAsync("rt_broken_" + s, """{"all":[{"event":"page_view"},{"segment":"no_such_segment"}]}""");
        string[] mine = [.. new[] { "rt_viewed_", "rt_buyer_", "rt_shanghai_", "rt_viewed_buyer_", "rt_in_segment_", "daily_viewed_", "rt_broken_" }.Select(c => c + s)];

        async Task<string[]> PassAsync(DataArrived arrived) =>
            [.. (await RealTimeTags.RecomputeAsync(db, services.Rules, arrived, NullLogger.Instance)).Where(mine.Contains).Order(StringComparer.Ordinal)];
        DataArrived Arrived(string[]? types = null, bool orders = false, bool customers = false) => new(types ?? [], orders, customers);
        Task<int> CarriersAsync(int tagId) => db.TagAssignments.CountAsync(a => a.TagId == tagId);

        // Page views arrive: the tag counting them is computed (A and C viewed in the last week), and so is the tag reading
        // it, since it changed in this pass; orders, attributes, the daily tag and other event types are left alone.
        Assert.Equal(["rt_viewed_buyer_" + s, "rt_viewed_" + s], await PassAsync(Arrived(["page_view"])));
        Assert.Equal(2, await CarriersAsync(viewed));
        Assert.Equal(1, await CarriersAsync(onTag)); // A viewed and bought
        Assert.Equal(0, await CarriersAsync(daily));
        Assert.Equal(0, await CarriersAsync(broken));
        // Again: nothing changed, so the tag reading it is not recomputed.
        Assert.Equal(["rt_viewed_" + s], await PassAsync(Arrived(["page_view"])));
        Assert.Empty(await PassAsync(Arrived(["email_open"])));

        // Orders arrive: the order tag and the tags reading the dynamic buyers segment.
        Assert.Equal(["rt_buyer_" + s, "rt_in_segment_" + s, "rt_viewed_buyer_" + s], await PassAsync(Arrived(orders: true)));
        Assert.True(await CarriersAsync(buyer) >= 3);
        Assert.Equal(await CarriersAsync(buyer), await CarriersAsync(inSegment));

        // Customers created or updated: tags on their own data.
        Assert.Equal(["rt_shanghai_" + s], await PassAsync(Arrived(customers: true)));
        Assert.True(await CarriersAsync(shanghai) >= 2);
        Assert.Empty(await PassAsync(Arrived()));
    }

    [Fact]
    public async Task The_feed_merges_what_arrived_until_a_subscriber_takes_it()
    {
        var feed = new EventFeed();
        var inbox = feed.Subscribe();
        feed.Publish(new DataArrived(["page_view"], false, false));
        feed.Publish(new DataArrived([], false, false));
        feed.Publish(new DataArrived(["demo_request", "page_view"], true, false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.True(await inbox.WaitAsync(timeout.Token));
        var taken = inbox.Take();
        Assert.Equal(["demo_request", "page_view"], taken.EventTypes.Order(StringComparer.Ordinal));
        Assert.Equal((true, false), (taken.Orders, taken.Customers));
        Assert.True(inbox.Take().IsEmpty);

        // Thousands of commits while the subscriber is busy lose nothing: they merge.
        for (var i = 0; i < 5_000; i++) feed.Publish(new DataArrived([$"type_{i % 7}"], false, i == 4_321));
        Assert.True(await inbox.WaitAsync(timeout.Token));
        taken = inbox.Take();
        Assert.Equal((7, false, true), (taken.EventTypes.Count, taken.Orders, taken.Customers));
    }
}
