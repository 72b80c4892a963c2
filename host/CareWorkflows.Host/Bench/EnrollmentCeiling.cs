using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// The ceiling for bench B1: rules/enrollment.yaml written by hand as C# lambdas over the same facts, first match
/// wins. No engine can evaluate these rules faster; the bench checks that it decides every patient as ours does,
/// so an edit of the YAML that is not carried over here fails the run instead of measuring different rules.
/// </summary>
internal static class EnrollmentCeiling
{
    private static readonly (string Rule, Func<PatientFacts, bool> Holds)[] Rules =
    [
        ("diabetes-poor-control", p => !p.Deceased && p.Conditions.Contains("diabetes") && p.Hba1c >= 9),
        ("diabetes-high-utilization", p => !p.Deceased && p.Conditions.Contains("diabetes")
            && (p.EdVisits6m >= 2 || p.Admissions12m >= 1 || p.LaceScore >= 10 || p.Homeless || (p.BehavioralHealthNeed && p.EdVisits12m >= 1))),
        ("diabetes-hba1c-8-to-9", p => !p.Deceased && p.Conditions.Contains("diabetes") && p.Hba1c >= 8 && p.Hba1c < 9),
        ("diabetes-no-hba1c", p => !p.Deceased && p.Conditions.Contains("diabetes") && p.Hba1c == null),
        ("diabetes-multimorbid", p => !p.Deceased && p.Conditions.Contains("diabetes") && (p.ChronicConditionCount >= 2 || p.BehavioralHealthNeed)),
        ("diabetes-controlled", p => !p.Deceased && p.Conditions.Contains("diabetes")),
        ("frequent-ed-use", p => !p.Deceased && p.EdVisits6m >= 2),
        ("recent-admission", p => !p.Deceased && p.Admissions12m >= 1),
        ("high-lace-score", p => !p.Deceased && p.LaceScore >= 10),
        ("homelessness", p => !p.Deceased && p.Homeless),
        ("behavioral-health-with-ed-use", p => !p.Deceased && p.BehavioralHealthNeed && p.ChronicConditionCount >= 1 && p.EdVisits12m >= 1),
        ("behavioral-health-with-chronic-condition", p => !p.Deceased && p.BehavioralHealthNeed && p.ChronicConditionCount >= 1),
        ("multiple-chronic-conditions", p => !p.Deceased && p.ChronicConditionCount >= 2),
        ("high-hcc-score", p => !p.Deceased && p.HccScore >= 2),
        ("low-risk-default", p => !p.Deceased),
    ];

    /// <summary>The name of the first rule that holds, as the enrollment rule set decides; null when none does.</summary>
    public static string? Decide(PatientFacts facts)
    {
        foreach (var (rule, holds) in Rules)
        {
            if (holds(facts))
            {
                return rule;
            }
        }

        return null;
    }
}
