using CustomerStudio.Core.Tags;

namespace CustomerStudio.Tests.Tags;

public sealed class TagSimilarityTests
{
    [Theory]
    [InlineData("高价值客户", "高价值客户", true)]
    [InlineData("高价值客户", "高价值 客户!", true)]
    [InlineData("高价值客户", "高价值", true)]
    [InlineData("High value", "high-value", true)]
    [InlineData("Repeat buyer", "Repeat buyers", true)]
    [InlineData("高价值客户", "低价值客户", true)]
    [InlineData("VIP", "VIP", true)]
    [InlineData("年龄段", "消费能力", false)]
    [InlineData("Email engaged", "Dormant", false)]
    [InlineData("A", "B", false)]
    public void Names_that_differ_only_in_case_spacing_punctuation_or_one_letter_are_similar(string a, string b, bool similar) =>
        Assert.Equal(similar, TagSimilarity.SimilarNames(a, b));

    [Theory]
    [InlineData("high_value", "highvalue", true)]
    [InlineData("high_value", "high_values", true)]
    [InlineData("vip", "vips", false)]
    [InlineData("purchased", "dormant", false)]
    public void Codes_equal_without_underscores_or_one_edit_apart_are_similar(string a, string b, bool similar) =>
        Assert.Equal(similar, TagSimilarity.SimilarCodes(a, b));
}
