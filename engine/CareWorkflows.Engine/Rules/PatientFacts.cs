namespace CareWorkflows.Engine.Rules;

/// <summary>
/// What the rules may know about a patient. Rule expressions read it as <c>patient</c>;
/// the kebab-case names used in scenarios and panels are listed in docs/facts.md.
/// </summary>
public sealed record PatientFacts
{
    /// <summary>Age in whole years.</summary>
    public int Age { get; init; }

    /// <summary>Active chronic conditions, as condition ids (diabetes, heart-failure, copd ...).</summary>
    public IReadOnlyList<string> Conditions { get; init; } = [];

    /// <summary>Number of active chronic conditions.</summary>
    public int ChronicConditionCount => Conditions.Count;

    /// <summary>Latest HbA1c in percent; null when none is on file (HEDIS counts that as poor control).</summary>
    public decimal? Hba1c { get; init; }

    /// <summary>The HbA1c before the latest one, for trends.</summary>
    public decimal? PreviousHba1c { get; init; }

    /// <summary>Emergency-department visits in the last 6 months.</summary>
    public int EdVisits6m { get; init; }

    /// <summary>Emergency-department visits in the last 12 months.</summary>
    public int EdVisits12m { get; init; }

    /// <summary>Inpatient admissions in the last 6 months.</summary>
    public int Admissions6m { get; init; }

    /// <summary>Inpatient admissions in the last 12 months.</summary>
    public int Admissions12m { get; init; }

    /// <summary>LACE readmission index, when known.</summary>
    public int? LaceScore { get; init; }

    /// <summary>HCC risk score normalized so that the average patient is 1.0, when known.</summary>
    public decimal? HccScore { get; init; }

    /// <summary>Social needs recorded for the patient (housing, food, transport ...).</summary>
    public IReadOnlyList<string> SocialNeeds { get; init; } = [];

    /// <summary>True when the patient has no stable housing.</summary>
    public bool Homeless { get; init; }

    /// <summary>True when a behavioral-health need is documented (depression, substance use ...).</summary>
    public bool BehavioralHealthNeed { get; init; }

    /// <summary>Current risk tier: high, rising or low; empty before stratification.</summary>
    public string Tier { get; init; } = "";

    /// <summary>Programs the patient is enrolled in.</summary>
    public IReadOnlyList<string> Programs { get; init; } = [];

    /// <summary>True when CCM consent is documented.</summary>
    public bool CcmConsent { get; init; }

    /// <summary>Preferred contact channel (sms, phone, email, letter, portal).</summary>
    public string PreferredChannel { get; init; } = "";

    /// <summary>Preferred language as an ISO 639-1 code.</summary>
    public string Language { get; init; } = "en";

    /// <summary>True when the patient has died; deceased patients are never care-management targets.</summary>
    public bool Deceased { get; init; }
}
