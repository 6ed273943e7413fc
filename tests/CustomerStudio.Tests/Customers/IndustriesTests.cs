using CustomerStudio.Core.Customers;

namespace CustomerStudio.Tests.Customers;

public class IndustriesTests
{
    [Theory]
    [InlineData("internet", true, "互联网")]
    [InlineData("internet", false, "Internet")]
    [InlineData("Manufacturing", true, "制造业")]
    [InlineData("造船", true, "造船")]
    [InlineData(null, true, null)]
    public void A_known_code_shows_by_its_name_and_other_text_as_typed(string? stored, bool zh, string? shown) =>
        Assert.Equal(shown, Industries.Name(stored, zh));

    [Theory]
    [InlineData("制造业", "manufacturing")]
    [InlineData(" Consumer goods ", "consumer_goods")]
    [InlineData("FINANCE", "finance")]
    [InlineData("造船", "造船")]
    [InlineData("  ", null)]
    public void What_people_type_is_stored_as_the_code_when_it_names_a_known_industry(string typed, string? stored) =>
        Assert.Equal(stored, Industries.Code(typed));

    [Fact]
    public void Every_industry_the_demo_seeds_has_names_in_both_languages() =>
        Assert.All(CustomerStudio.Core.Demo.DemoReferenceData.Industries, i =>
            Assert.NotEqual(i.Code, Industries.Name(i.Code, zh: true)));
}
