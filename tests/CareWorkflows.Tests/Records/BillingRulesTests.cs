using CareWorkflows.Engine.Records.Billing;

namespace CareWorkflows.Tests.Records;

public sealed class BillingRulesTests
{
    [Fact]
    public void ForRules_ShippedFile_HasTheCcmPcmAndTcmThresholds()
    {
        var rules = BillingRules.ForRules(RepositoryPaths.Rules);

        var ccm = rules.TimePrograms.Single(p => p.Program == "ccm");
        Assert.Equal(("99490", 20, "99439", 20, 2), (ccm.Base.Code, ccm.Base.Minutes, ccm.AddOn!.Code, ccm.AddOn.Minutes, ccm.AddOn.MaxUnits));
        var complex = rules.TimePrograms.Single(p => p.Program == "complex-ccm");
        Assert.Equal(("99487", 60, "99489", 30), (complex.Base.Code, complex.Base.Minutes, complex.AddOn!.Code, complex.AddOn.Minutes));
        Assert.Equal(("99426", 30), (rules.TimePrograms.Single(p => p.Program == "pcm").Base.Code, rules.TimePrograms.Single(p => p.Program == "pcm").Base.Minutes));
        Assert.Equal((2, 7, 14), (rules.Tcm.ContactBusinessDays, rules.Tcm.HighComplexityDays, rules.Tcm.ModerateComplexityDays));
    }

    [Fact]
    public void Parse_MisspelledKey_NamesFileLineAndColumn()
    {
        var error = Assert.Throws<InvalidDataException>(() => BillingRules.Parse("time-programs:\n  ccm:\n    program: ccm\n    bsae: { code: \"99490\", minutes: 20 }\n", "rules/codes/billing.yaml"));

        Assert.StartsWith("rules/codes/billing.yaml:4:5: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("BillingRules+", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(19, "", "99490", 1)]
    [InlineData(20, "99490", "99439", 20)]
    [InlineData(59, "99490 + 99439 x1", "99439", 1)]
    [InlineData(90, "99490 + 99439 x2", null, null)]
    public void Tally_CcmMinutes_GivesCodesAndDistanceToTheNext(int minutes, string codes, string? next, int? toNext)
    {
        var ccm = BillingRules.ForRules(RepositoryPaths.Rules).TimePrograms.Single(p => p.Program == "ccm");

        var tally = TimeTally.For(ccm, minutes);

        Assert.Equal((codes, next, toNext), (tally.CodesText, tally.NextCode, tally.MinutesToNext));
    }
}
