using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Tests.Rules;

public class RuleSetEvaluatorTests
{
    private static readonly Lazy<DefinitionSet> Definitions = new(() => DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    private static RuleSetEvaluator Rules => Definitions.Value.Rules;

    private static async Task<RuleMatch> FirstEnrollmentMatchAsync(PatientFacts patient)
    {
        var matches = await Rules.EvaluateAsync("enrollment", RuleInputs.Empty with { Patient = patient }, CancellationToken.None);
        return matches[0];
    }

    [Fact]
    public async Task Enrollment_DiabetesWithHba1cAtLeast9_IsHighRiskWithDiabetesHighRiskAndCcm()
    {
        var match = await FirstEnrollmentMatchAsync(new PatientFacts { Age = 67, Conditions = ["diabetes", "heart-failure"], Hba1c = 9.4m, EdVisits6m = 2 });

        Assert.Equal("high", match.SuccessEvent);
        Assert.Contains("diabetes-high-risk", match.Properties["programs"], StringComparison.Ordinal);
        Assert.Contains("ccm", match.Properties["programs"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrollment_TwoEdVisitsInSixMonths_IsHighRisk()
    {
        var match = await FirstEnrollmentMatchAsync(new PatientFacts { Age = 50, Conditions = ["copd"], EdVisits6m = 2 });

        Assert.Equal("high", match.SuccessEvent);
    }

    [Fact]
    public async Task Enrollment_HealthyAdult_IsLowRiskForHealthCoach()
    {
        var match = await FirstEnrollmentMatchAsync(new PatientFacts { Age = 40 });

        Assert.Equal("low", match.SuccessEvent);
        Assert.Contains("health-coach", match.Properties["programs"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enrollment_DeceasedPatient_MatchesNoRule()
    {
        var matches = await Rules.EvaluateAsync("enrollment",
            RuleInputs.Empty with { Patient = new PatientFacts { Conditions = ["diabetes"], Hba1c = 11m, Deceased = true } }, CancellationToken.None);

        Assert.Empty(matches);
    }

    [Fact]
    public async Task HoldsAsync_InlineExpressionFromWorkflow_IsCompiledAndEvaluated()
    {
        var workflow = Definitions.Value.WorkflowFor("transition-of-care", null)!;
        var expired = RuleInputs.Empty with { Event = new EventFacts { Type = "patient.discharged", Disposition = "expired" } };
        var home = RuleInputs.Empty with { Event = new EventFacts { Type = "patient.discharged", Disposition = "home", Setting = "inpatient" } };

        Assert.False(await Rules.HoldsAsync(workflow.When!, expired, CancellationToken.None));
        Assert.True(await Rules.HoldsAsync(workflow.When!, home, CancellationToken.None));
    }

    [Fact]
    public void EvaluateAsync_UnknownRuleSet_SaysWhichExist()
    {
        var error = Assert.Throws<ArgumentException>(() => Rules.EvaluateAsync("enrolment", RuleInputs.Empty, CancellationToken.None).AsTask().GetAwaiter().GetResult());

        Assert.Contains("enrollment", error.Message, StringComparison.Ordinal);
    }
}
