using System.Globalization;

namespace CareWorkflows.Engine.Rules;

/// <summary>
/// The kebab-case fact names scenarios, panels and the API use (docs/facts.md), mapped to <see cref="PatientFacts"/>.
/// Lists are written comma-separated.
/// </summary>
public static class FactNames
{
    /// <summary>Every fact name accepted.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        "age", "conditions", "hba1c", "previous-hba1c", "ed-visits-6m", "ed-visits-12m", "admissions-6m", "admissions-12m",
        "lace-score", "hcc-score", "social-needs", "homeless", "behavioral-health-need", "tier", "programs", "ccm-consent",
        "preferred-channel", "language", "deceased",
    ];

    /// <summary>Applies named values to facts; throws <see cref="FormatException"/> naming the fact for a bad value.</summary>
    public static PatientFacts Apply(PatientFacts facts, IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (name, value) in values)
        {
            facts = name switch
            {
                "age" => facts with { Age = Int(name, value) },
                "conditions" => facts with { Conditions = List(value) },
                "hba1c" => facts with { Hba1c = Decimal(name, value) },
                "previous-hba1c" => facts with { PreviousHba1c = Decimal(name, value) },
                "ed-visits-6m" => facts with { EdVisits6m = Int(name, value) },
                "ed-visits-12m" => facts with { EdVisits12m = Int(name, value) },
                "admissions-6m" => facts with { Admissions6m = Int(name, value) },
                "admissions-12m" => facts with { Admissions12m = Int(name, value) },
                "lace-score" => facts with { LaceScore = Int(name, value) },
                "hcc-score" => facts with { HccScore = Decimal(name, value) },
                "social-needs" => facts with { SocialNeeds = List(value) },
                "homeless" => facts with { Homeless = Bool(name, value) },
                "behavioral-health-need" => facts with { BehavioralHealthNeed = Bool(name, value) },
                "tier" => facts with { Tier = value.Trim() },
                "programs" => facts with { Programs = List(value) },
                "ccm-consent" => facts with { CcmConsent = Bool(name, value) },
                "preferred-channel" => facts with { PreferredChannel = value.Trim() },
                "language" => facts with { Language = value.Trim() },
                "deceased" => facts with { Deceased = Bool(name, value) },
                _ => throw new FormatException($"unknown fact '{name}'. Known facts: {string.Join(", ", All)} (docs/facts.md)."),
            };
        }

        return facts;
    }

    /// <summary>The facts as named values, for storage and display.</summary>
    public static IReadOnlyDictionary<string, string> ToValues(PatientFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["age"] = facts.Age.ToString(CultureInfo.InvariantCulture),
            ["conditions"] = string.Join(',', facts.Conditions),
            ["ed-visits-6m"] = facts.EdVisits6m.ToString(CultureInfo.InvariantCulture),
            ["ed-visits-12m"] = facts.EdVisits12m.ToString(CultureInfo.InvariantCulture),
            ["admissions-6m"] = facts.Admissions6m.ToString(CultureInfo.InvariantCulture),
            ["admissions-12m"] = facts.Admissions12m.ToString(CultureInfo.InvariantCulture),
            ["social-needs"] = string.Join(',', facts.SocialNeeds),
            ["homeless"] = facts.Homeless ? "true" : "false",
            ["behavioral-health-need"] = facts.BehavioralHealthNeed ? "true" : "false",
            ["tier"] = facts.Tier,
            ["programs"] = string.Join(',', facts.Programs),
            ["ccm-consent"] = facts.CcmConsent ? "true" : "false",
            ["preferred-channel"] = facts.PreferredChannel,
            ["language"] = facts.Language,
            ["deceased"] = facts.Deceased ? "true" : "false",
        };
        Add(values, "hba1c", facts.Hba1c);
        Add(values, "previous-hba1c", facts.PreviousHba1c);
        Add(values, "hcc-score", facts.HccScore);
        if (facts.LaceScore is { } lace)
        {
            values["lace-score"] = lace.ToString(CultureInfo.InvariantCulture);
        }

        return values;
    }

    private static void Add(Dictionary<string, string> values, string name, decimal? value)
    {
        if (value is { } v)
        {
            values[name] = v.ToString(CultureInfo.InvariantCulture);
        }
    }

    private static int Int(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new FormatException($"fact '{name}' must be a whole number, not '{value}'.");

    private static decimal? Decimal(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var result) ? result
        : throw new FormatException($"fact '{name}' must be a number such as 9.4, not '{value}'.");

    private static bool Bool(string name, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" or "" => false,
        _ => throw new FormatException($"fact '{name}' must be true or false, not '{value}'."),
    };

    private static string[] List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
