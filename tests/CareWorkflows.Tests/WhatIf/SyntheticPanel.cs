using System.Globalization;
using System.Text;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.WhatIf;

namespace CareWorkflows.Tests.WhatIf;

/// <summary>
/// A seeded generator of synthetic patients (never real data): conditions, HbA1c, ED visits and admissions spread so
/// that every enrollment rule decides for some of them, and written as a member-list CSV for the CLI.
/// </summary>
internal static class SyntheticPanel
{
    private static readonly string[] OtherConditions = ["hypertension", "heart-failure", "copd", "ckd", "depression", "asthma", "coronary-artery-disease"];

    public static IReadOnlyList<PanelPatient> Generate(int count, int seed, int careManagers = 5)
    {
        var random = new Random(seed);
        var patients = new List<PanelPatient>(count);
        for (var i = 1; i <= count; i++)
        {
            var id = $"syn-{i:D5}";
            var diabetic = random.NextDouble() < 0.45;
            List<string> conditions = diabetic ? ["diabetes"] : [];
            conditions.AddRange(OtherConditions.Where(_ => random.NextDouble() < 0.12));
            decimal? hba1c = diabetic
                ? (random.NextDouble() < 0.05 ? null : Math.Round(5.5m + (decimal)random.NextDouble() * 6.5m, 1))
                : (random.NextDouble() < 0.5 ? null : Math.Round(4.8m + (decimal)random.NextDouble() * 1.4m, 1));
            var ed6 = random.NextDouble() switch { < 0.85 => 0, < 0.95 => 1, _ => 2 + random.Next(3) };
            var facts = new PatientFacts
            {
                Age = 25 + random.Next(60),
                Conditions = conditions,
                Hba1c = hba1c,
                EdVisits6m = ed6,
                EdVisits12m = ed6 + (random.NextDouble() < 0.1 ? 1 : 0),
                Admissions12m = random.NextDouble() < 0.08 ? 1 : 0,
                Homeless = random.NextDouble() < 0.02,
                BehavioralHealthNeed = random.NextDouble() < 0.1,
            };
            patients.Add(new PanelPatient(id, facts, CareTeamModel.CareManagerFor(id, careManagers)));
        }

        return patients;
    }

    /// <summary>The panel as a member list (docs/import.md), for careflow whatif --panel.</summary>
    public static string Csv(IEnumerable<PanelPatient> patients)
    {
        var csv = new StringBuilder("member_id,age,conditions,hba1c,ed_visits_6m,ed_visits_12m,admissions_12m,homeless,behavioral_health_need\n");
        foreach (var p in patients)
        {
            var f = p.Facts;
            csv.Append(CultureInfo.InvariantCulture, $"{p.Id},{f.Age},{string.Join(';', f.Conditions)},{f.Hba1c?.ToString(CultureInfo.InvariantCulture)},{f.EdVisits6m},{f.EdVisits12m},{f.Admissions12m},{(f.Homeless ? "true" : "false")},{(f.BehavioralHealthNeed ? "true" : "false")}\n");
        }

        return csv.ToString();
    }
}
