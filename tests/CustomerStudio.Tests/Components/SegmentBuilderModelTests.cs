using System.Text.Json.Nodes;
using CustomerStudio.Core.Conditions;
using CustomerStudio.Web.Features.Segments.Builder;

namespace CustomerStudio.Tests.Components;

/// <summary>The builder's view-model: the mutable tree, its conversion to and from conditions, editing, undo and redo.</summary>
public class SegmentBuilderModelTests
{
    private static string Normal(string json) => ConditionJson.ToJson(ConditionJson.Parse(json).Condition!);

    [Theory]
    [InlineData("""{"all":[{"attr":"province","op":"in","value":["上海","江苏","浙江"]},{"not":{"tag":"vip"}}]}""")]
    [InlineData("""{"any":[{"all":[{"attr":"lead_score","op":"between","value":[10,50]},{"identity":"email","op":"has"}]},{"segment":"beijing","op":"not_in"}]}""")]
    [InlineData("""{"not":{"any":[{"attr":"gender","op":"eq","value":"female"},{"attr":"birth_date","op":"anniversary_in_next","value":"P7D"}]}}""")]
    [InlineData("""{"all":[{"event":"page_view","where":[{"prop":"path","op":"eq","value":"/pricing"}],"channel":"web","count":{"op":"gte","value":3},"within":"P7D"},{"event":"signup","last":{"op":"before","value":"2026-01-01"}}]}""")]
    [InlineData("""{"all":[{"orders":"sum","op":"gt","value":500,"within":"P3M","status":["paid","refunded"]},{"tag":"level","op":"has","values":["high"],"within":"P1Y","source":"rule"}]}""")]
    [InlineData("""{"all":[{"rfm":"r","op":"gte","value":4},{"account":"member","roles":["decision_maker"],"kind":"company"},{"not":{"not":{"identity":"phone","op":"has"}}}]}""")]
    public void A_condition_survives_the_round_trip_through_the_tree(string json)
    {
        var tree = new ConditionTree(json);
        var back = tree.ToJson();
        // The same meaning: equal after removing double negations, which the tree does not keep.
        Assert.Equal(Normal(json).Replace("""{"not":{"not":{"identity":"phone","op":"has"}}}""", """{"identity":"phone","op":"has"}"""), back);
        Assert.Equal(back, new ConditionTree(back).ToJson());
    }

    [Fact]
    public void A_not_is_the_negated_flag_of_the_node_it_wraps()
    {
        var tree = new ConditionTree("""{"any":[{"not":{"tag":"vip"}},{"not":{"all":[{"identity":"phone","op":"has"}]}}]}""");
        Assert.True(tree.Root.IsAny);
        Assert.False(tree.Root.Negated);
        var tag = Assert.IsType<TagConditionNode>(tree.Root.Items[0]);
        Assert.True(tag.Negated);
        var group = Assert.IsType<GroupNode>(tree.Root.Items[1]);
        Assert.True(group.Negated);
        Assert.False(group.Items[0].Negated);
    }

    [Fact]
    public void A_single_condition_or_a_negated_group_at_the_top_keeps_its_meaning()
    {
        var leaf = new ConditionTree("""{"attr":"city","op":"eq","value":"杭州"}""");
        Assert.Single(leaf.Root.Items);
        Assert.Equal("""{"all":[{"attr":"city","op":"eq","value":"杭州"}]}""", leaf.ToJson());

        var negated = new ConditionTree("""{"not":{"any":[{"tag":"vip"},{"tag":"level"}]}}""");
        Assert.True(negated.Root.Negated);
        Assert.Equal("""{"not":{"any":[{"tag":"vip","op":"has"},{"tag":"level","op":"has"}]}}""", negated.ToJson());
    }

    [Fact]
    public void Adding_nesting_moving_negating_and_toggling_edit_the_condition()
    {
        var tree = new ConditionTree();
        Assert.Equal("""{"all":[]}""", tree.ToJson());

        var province = tree.Insert(tree.Root, new AttributeNode { Field = "province", Op = "in", Value = new JsonArray("上海", "江苏") });
        var inner = tree.Insert(tree.Root, new GroupNode());
        var vip = tree.Insert(tree.Root, new TagConditionNode { Tag = "vip" });
        Assert.Equal("""{"all":[{"attr":"province","op":"in","value":["上海","江苏"]},{"all":[]},{"tag":"vip","op":"has"}]}""", tree.ToJson());

        Assert.True(tree.Move(vip, inner, 0));
        var phone = tree.Insert(inner, new IdentityNode { IdentityKind = "phone" });
        tree.SetAny(inner, true);
        tree.SetNegated(vip, true);
        Assert.Equal(
            """{"all":[{"attr":"province","op":"in","value":["上海","江苏"]},{"any":[{"not":{"tag":"vip","op":"has"}},{"identity":"phone","op":"has"}]}]}""",
            tree.ToJson());

        // A group cannot go inside itself; reordering within a group works.
        Assert.False(tree.Move(inner, inner, 0));
        Assert.True(tree.Move(phone, inner, 0));
        Assert.Equal(["identity", "tag"], inner.Items.Select(i => i.Kind.ToString().ToLowerInvariant()));
        Assert.True(tree.Move(province, inner, 1));
        Assert.Equal(["identity", "attribute", "tag"], inner.Items.Select(i => i.Kind.ToString().ToLowerInvariant()));
        Assert.Same(inner, province.Parent);

        tree.Remove(inner);
        Assert.Equal("""{"all":[]}""", tree.ToJson());
    }

    [Fact]
    public void Undo_and_redo_walk_the_snapshots_including_empty_groups()
    {
        var tree = new ConditionTree();
        var changes = 0;
        tree.Changed += () => changes++;
        var group = tree.Insert(tree.Root, new GroupNode());
        tree.Insert(group, new IdentityNode());
        tree.SetAny(tree.Root, true);
        var states = new[]
        {
            """{"all":[]}""", """{"all":[{"all":[]}]}""", """{"all":[{"all":[{"identity":"phone","op":"has"}]}]}""",
            """{"any":[{"all":[{"identity":"phone","op":"has"}]}]}""",
        };
        Assert.Equal(states[3], tree.ToJson());
        Assert.False(tree.CanRedo);

        for (var i = 2; i >= 0; i--)
        {
            Assert.True(tree.Undo());
            Assert.Equal(states[i], tree.ToJson());
        }
        Assert.False(tree.CanUndo);
        Assert.False(tree.Undo());

        Assert.True(tree.Redo());
        Assert.True(tree.Redo());
        Assert.Equal(states[2], tree.ToJson());

        // A new edit drops what could have been redone.
        tree.SetNegated(tree.Root, true);
        Assert.False(tree.CanRedo);
        Assert.Equal("""{"not":{"all":[{"all":[{"identity":"phone","op":"has"}]}]}}""", tree.ToJson());
        Assert.True(changes >= 9);

        // An edit that changes nothing adds no snapshot.
        var count = tree.HistoryCount;
        tree.Commit();
        Assert.Equal(count, tree.HistoryCount);
    }

    [Fact]
    public void The_history_keeps_the_last_hundred_states()
    {
        var tree = new ConditionTree();
        var node = tree.Insert(tree.Root, new AttributeNode { Field = "lead_score", Op = "gte" });
        for (var i = 0; i < 150; i++)
        {
            node.Value = JsonValue.Create(i);
            tree.Commit();
        }
        Assert.Equal(ConditionTree.HistoryLimit, tree.HistoryCount);
        var undone = 0;
        while (tree.Undo()) undone++;
        Assert.Equal(ConditionTree.HistoryLimit - 1, undone);
        Assert.Equal("""{"all":[{"attr":"lead_score","op":"gte","value":50}]}""", tree.ToJson());
    }

    [Fact]
    public void Error_paths_point_at_the_nodes_they_are_about()
    {
        var tree = new ConditionTree("""{"all":[{"attr":"province","op":"eq"},{"not":{"any":[{"tag":"nope"},{"segment":"x"}]}}]}""");
        var attribute = tree.Root.Items[0];
        var group = (GroupNode)tree.Root.Items[1];
        Assert.Same(attribute, tree.NodeAt("$.all[0].value"));
        Assert.Same(group, tree.NodeAt("$.all[1]"));
        Assert.Same(group, tree.NodeAt("$.all[1].not.any"));
        Assert.Same(group.Items[0], tree.NodeAt("$.all[1].not.any[0].tag"));
        Assert.Same(group.Items[1], tree.NodeAt("$.all[1].not.any[1]"));
        Assert.Same(tree.Root, tree.NodeAt("$.all"));
        Assert.Null(tree.NodeAt("code"));
    }

    [Fact]
    public void The_stored_condition_compiles_like_the_saved_json_even_with_values_typed_in_memory()
    {
        var tree = new ConditionTree();
        tree.Insert(tree.Root, new OrdersNode { Value = JsonValue.Create(2) });
        tree.Insert(tree.Root, new GroupNode());
        var stored = tree.ToStoredCondition();
        Assert.Equal(tree.ToJson(), ConditionJson.ToJson(stored));
        var orders = Assert.IsType<OrderCondition>(((AllCondition)stored).Items[0]);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, orders.Value!.GetValueKind());
        Assert.True(orders.Value.AsValue().TryGetValue<decimal>(out var two) && two == 2);
    }

    [Fact]
    public void An_unreadable_definition_opens_as_an_empty_tree_with_its_errors()
    {
        var tree = ConditionTree.Open("""{"all":[{"attr":"province","bogus":1}]}""", out var errors);
        Assert.Equal("""{"all":[]}""", tree.ToJson());
        Assert.Contains(errors, e => e.Path == "$.bogus" && e.Code == "UnknownProperty");

        ConditionTree.Open("{not json", out errors);
        Assert.Equal("InvalidJson", Assert.Single(errors).Code);
    }

    [Theory]
    [InlineData("eq", "in", "\"上海\"", """["上海"]""")]
    [InlineData("in", "eq", """["上海","江苏"]""", "\"上海\"")]
    [InlineData("eq", "is_empty", "\"上海\"", null)]
    [InlineData("eq", "in_last", "\"上海\"", "\"P7D\"")]
    [InlineData("gt", "lt", "3", "3")]
    [InlineData("gt", "between", "3", null)]
    public void Changing_the_operator_keeps_what_still_fits(string from, string to, string? value, string? expected) =>
        Assert.Equal(expected, ValueShapes.Reshape(value is null ? null : JsonNode.Parse(value), from, to)?.ToJsonString(
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));

    [Fact]
    public void Lists_split_on_commas_and_keep_numbers_as_numbers()
    {
        Assert.Equal(["上海", "江苏", "浙江"], ValueShapes.Split("上海, 江苏，浙江、"));
        Assert.Equal("[1,2.5,\"x\"]", ValueShapes.FromList(["1", "2.5", "x"], FieldType.Number)!.ToJsonString());
        Assert.Equal((2, "W"), ValueShapes.SimpleWindow("P2W"));
        Assert.Null(ValueShapes.SimpleWindow("PT12H"));
    }
}
