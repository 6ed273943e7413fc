using System.Globalization;
using System.Text.Json.Nodes;
using CustomerStudio.Core.Definitions;
using CustomerStudio.Core.Journeys.Definition;
using CustomerStudio.Tests.Infrastructure;

namespace CustomerStudio.Tests.Journeys;

public class JourneyDefinitionTests
{
    private static readonly string Fixture = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "CustomerStudio.Tests", "Journeys", "Fixtures", "high-intent-nurture.journey.json"));

    private static JsonObject Journey() => JsonNode.Parse(Fixture)!.AsObject();

    private static IReadOnlyList<string> Errors(JsonNode json) =>
        JourneyValidator.Validate(json.ToJsonString()).Errors.Select(e => $"{e.Path} {e.Code}").ToList();

    [Fact]
    public void The_nurture_journey_reads_with_typed_settings_and_named_ports()
    {
        var result = JourneyValidator.Validate(Fixture);
        Assert.True(result.Ok, string.Join("\n", result.Errors));
        var journey = result.Definition!;
        Assert.Equal(EntryMode.AfterCooldown, journey.Entry.Mode);
        Assert.Equal("high_intent", journey.Node("entered")!.SettingsAs<SegmentEnteredSettings>().Segment);
        Assert.Equal(["event", "timeout"], journey.Node("wait_demo")!.OutputPorts);
        Assert.Equal(["a", "b"], journey.Node("split")!.OutputPorts);
        Assert.Empty(journey.Node("done")!.OutputPorts);
        Assert.Equal("tag_hot", journey.Next("wait_demo", JourneyPorts.Event)!.Id);
        Assert.Equal(JourneyNodeCategory.Trigger, Assert.Single(journey.Triggers).Category);
    }

    [Fact]
    public void Writing_and_reading_again_gives_the_same_definition()
    {
        var journey = JourneyValidator.Validate(Fixture).Definition!;
        var again = JourneyValidator.Validate(journey.ToJson());
        Assert.True(again.Ok, string.Join("\n", again.Errors));
        Assert.Equal(journey.ToJson(), again.Definition!.ToJson());
    }

    [Fact]
    public void The_fixture_is_valid_against_the_published_schema()
    {
        var errors = DefinitionSchemas.Validate(DefinitionSchemas.Load("journey"), Journey(), "$");
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Every_kind_has_settings_type_ports_and_a_snake_case_code()
    {
        Assert.Equal(Enum.GetValues<JourneyNodeKind>().Length, JourneyNodeKinds.All.Count);
        Assert.Contains(JourneyNodeKinds.All, k => k.Code == "segment_entered" && k.Category == JourneyNodeCategory.Trigger);
        Assert.All(JourneyNodeKinds.All, k => Assert.Matches("^[a-z_]+$", k.Code));
        Assert.All(JourneyNodeKinds.All, k => Assert.True(k.SettingsType.IsAssignableTo(typeof(JourneyNodeSettings))));
    }

    [Fact]
    public void An_unknown_kind_is_named_with_its_path()
    {
        var json = Journey();
        json["nodes"]![1]!["kind"] = "send_fax";
        var result = JourneyValidator.Validate(json.ToJsonString());
        var error = Assert.Single(result.Errors, e => e.Code == "UnknownNodeKind");
        Assert.Equal("$.nodes[1].kind", error.Path);
        Assert.StartsWith("Unknown node kind \"send_fax\"", error.Message(CultureInfo.GetCultureInfo("en")));
        Assert.StartsWith("未知节点类型", error.Message(CultureInfo.GetCultureInfo("zh-CN")));
    }

    [Fact]
    public void Missing_and_wrong_settings_are_reported_at_their_path()
    {
        var json = Journey();
        json["nodes"]![1]!.AsObject().Remove("settings");
        json["nodes"]![2]!["settings"]!["timeout"] = "3 days";
        json["nodes"]![4]!["settings"] = new JsonObject { ["tag"] = "hot_lead", ["colour"] = "red" };
        var errors = Errors(json);
        Assert.Contains("$.nodes[1].settings MissingSettings", errors);
        Assert.Contains("$.nodes[2].settings.timeout SchemaPattern", errors);
        Assert.Contains("$.nodes[4].settings.colour SchemaUnknownProperty", errors);
    }

    [Fact]
    public void A_branch_condition_is_checked_with_the_condition_language()
    {
        var json = Journey();
        json["nodes"]![3]!["settings"]!["condition"] = JsonNode.Parse("""{"all":[{"attr":"company","op":"is_not_empty"},{"foo":1}]}""");
        Assert.Contains("$.nodes[3].settings.condition.all[1] UnknownConditionKind", Errors(json));
    }

    [Fact]
    public void Dangling_edges_unknown_ports_and_double_connections_are_errors()
    {
        var json = Journey();
        var edges = json["edges"]!.AsArray();
        edges.Add(JsonNode.Parse("""{"from":"welcome","port":"next","to":"nowhere"}"""));
        edges.Add(JsonNode.Parse("""{"from":"is_b2b","port":"maybe","to":"done"}"""));
        edges.Add(JsonNode.Parse("""{"from":"ghost","port":"next","to":"done"}"""));
        var errors = Errors(json);
        Assert.Contains("$.edges[13].to DanglingEdge", errors);
        Assert.Contains("$.edges[13] PortConnectedTwice", errors);
        Assert.Contains("$.edges[14].port UnknownPort", errors);
        Assert.Contains("$.edges[15].from DanglingEdge", errors);
    }

    [Fact]
    public void Unconnected_ports_and_unreachable_nodes_are_errors()
    {
        var json = Journey();
        var edges = json["edges"]!.AsArray();
        edges.RemoveAt(edges.Select((e, i) => (e, i)).First(x => (string)x.e!["from"]! == "split" && (string)x.e!["port"]! == "b").i);
        var errors = Errors(json);
        Assert.Contains("$.nodes[6] UnconnectedPort", errors);
        Assert.Contains("$.nodes[8] UnreachableNode", errors);
    }

    [Fact]
    public void Triggers_and_goals_take_no_incoming_edges_and_a_journey_needs_a_trigger()
    {
        var json = Journey();
        json["edges"]!.AsArray().Add(JsonNode.Parse("""{"from":"sms","port":"next","to":"entered"}"""));
        Assert.Contains("$.edges[13].to EdgeIntoTrigger", Errors(json));

        var noTrigger = Journey();
        noTrigger["nodes"]![0]!["kind"] = "manual";
        noTrigger["nodes"]![0]!.AsObject().Remove("settings");
        Assert.True(JourneyValidator.Validate(noTrigger.ToJsonString()).Ok);
        noTrigger["nodes"]![0]!["kind"] = "join";
        Assert.Contains("$.nodes NoTrigger", Errors(noTrigger));
    }

    [Fact]
    public void A_loop_needs_a_wait()
    {
        var json = JsonNode.Parse("""
            {"schemaVersion":"1.0","nodes":[
              {"id":"t","kind":"manual"},{"id":"a","kind":"adjust_lead_score","settings":{"points":5}},
              {"id":"b","kind":"condition","settings":{"condition":{"attr":"lead_score","op":"lt","value":100}}},{"id":"x","kind":"exit"}],
             "edges":[{"from":"t","port":"next","to":"a"},{"from":"a","port":"next","to":"b"},{"from":"b","port":"yes","to":"a"},{"from":"b","port":"no","to":"x"}]}
            """)!;
        Assert.Contains(JourneyValidator.Validate(json.ToJsonString()).Errors, e => e.Code == "LoopWithoutWait");
        json["nodes"]!.AsArray().Add(JsonNode.Parse("""{"id":"w","kind":"wait","settings":{"duration":"P1D"}}"""));
        json["edges"]![2]!["to"] = "w";
        json["edges"]!.AsArray().Add(JsonNode.Parse("""{"from":"w","port":"next","to":"a"}"""));
        Assert.True(JourneyValidator.Validate(json.ToJsonString()).Ok);
    }

    [Fact]
    public void Entry_rules_goal_split_and_version_are_checked()
    {
        var json = Journey();
        json["schemaVersion"] = "2.0";
        json["entry"]!.AsObject().Remove("cooldown");
        json["nodes"]![11]!["settings"] = new JsonObject();
        json["nodes"]![6]!["settings"]!["variants"]![1]!["port"] = "a";
        var errors = Errors(json);
        Assert.Contains("$.schemaVersion UnsupportedSchemaVersion", errors);
        Assert.Contains("$.entry.cooldown CooldownRequired", errors);
        Assert.Contains("$.nodes[11].settings GoalNeedsTarget", errors);
        Assert.Contains("$.nodes[6].settings.variants[1].port DuplicatePort", errors);
    }

    [Fact]
    public void Malformed_json_names_line_and_position()
    {
        var error = Assert.Single(JourneyValidator.Validate("{\n  \"nodes\": [,]\n}").Errors);
        Assert.Equal("JsonSyntax", error.Code);
        Assert.Equal("2", error.Args[0]);
    }
}
