using CareWorkflows.Engine.Time;

namespace CareWorkflows.Tests.Time;

public class DurationTests
{
    [Theory]
    [InlineData("15 minutes", 15, DurationUnit.Minutes)]
    [InlineData("30 seconds", 30, DurationUnit.Seconds)]
    [InlineData("1 minute", 1, DurationUnit.Minutes)]
    [InlineData("4 hours", 4, DurationUnit.Hours)]
    [InlineData("14 days", 14, DurationUnit.Days)]
    [InlineData("1 day", 1, DurationUnit.Days)]
    [InlineData("2 business days", 2, DurationUnit.BusinessDays)]
    [InlineData("1 business day", 1, DurationUnit.BusinessDays)]
    [InlineData("  3   weeks ", 3, DurationUnit.Weeks)]
    [InlineData("0 days", 0, DurationUnit.Days)]
    public void TryParse_ValidText_ReadsAmountAndUnit(string text, int amount, DurationUnit unit)
    {
        Assert.Equal(new Duration(amount, unit), Duration.TryParse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("two days")]
    [InlineData("2")]
    [InlineData("2 fortnights")]
    [InlineData("-1 days")]
    [InlineData("2.5 days")]
    [InlineData("2 business")]
    [InlineData("2 days later")]
    [InlineData("2business days")]
    public void TryParse_InvalidText_ReturnsNull(string text)
    {
        Assert.Null(Duration.TryParse(text));
    }

    [Theory]
    [InlineData("2 business days")]
    [InlineData("1 day")]
    [InlineData("30 minutes")]
    public void ToString_RoundTrips(string text)
    {
        Assert.Equal(text, Duration.TryParse(text)!.ToString());
    }
}
