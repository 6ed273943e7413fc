using CustomerStudio.Core.Conditions;
using CustomerStudio.Core.Data;

namespace CustomerStudio.Tests.Conditions;

public class ConditionReferencesTests(ConditionWorld world) : IClassFixture<ConditionWorld>
{
    [Fact]
    public void A_condition_lists_the_tags_segments_and_fields_it_uses_at_any_depth()
    {
        var refs = ConditionReferences.Of("""{"all":[{"attr":"province","op":"eq","value":"x"},{"any":[{"tag":"vip"},{"not":{"segment":"shanghai"}}]}]}""");
        Assert.Equal(["vip"], refs.Tags);
        Assert.Equal(["shanghai"], refs.Segments);
        Assert.Equal(["province"], refs.Fields);
    }

    [Fact]
    public async Task Usage_names_the_definitions_that_refer_to_a_segment()
    {
        await using var db = world.For(DatabaseProvider.Sqlite).CreateContext();
        var users = await DefinitionUsage.OfSegmentAsync(db, "loop_a");
        Assert.Equal(["loop_b"], users.Select(u => u.Code));
        Assert.Empty(await DefinitionUsage.OfSegmentAsync(db, "shanghai"));
        var all = await DefinitionUsage.SegmentsUsedAsync(db);
        Assert.Equal(["loop_a", "loop_b"], all.Keys.Order());
    }
}
