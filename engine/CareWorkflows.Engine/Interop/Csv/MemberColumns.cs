namespace CareWorkflows.Engine.Interop.Csv;

/// <summary>The columns of a payer member list (docs/import.md). Names are matched without case; '-' and ' ' read as '_'.</summary>
internal static class MemberColumns
{
    /// <summary>The member's id: the patient id in careflow (required).</summary>
    public const string MemberId = "member_id";

    /// <summary>The practice; the --practice given when absent or empty.</summary>
    public const string PracticeId = "practice_id";

    /// <summary>Date of birth, YYYY-MM-DD (gives age at the time of the import).</summary>
    public const string BirthDate = "birth_date";

    /// <summary>Age in whole years, when there is no birth date.</summary>
    public const string Age = "age";

    /// <summary>Sex: M, F, O, U (or male, female, other, unknown); checked, not used by rules yet.</summary>
    public const string Sex = "sex";

    /// <summary>ICD-10 codes (or condition ids) separated by ';'.</summary>
    public const string Conditions = "conditions";

    /// <summary>Latest HbA1c in %.</summary>
    public const string Hba1c = "hba1c";

    /// <summary>Date of the latest HbA1c, YYYY-MM-DD.</summary>
    public const string Hba1cDate = "hba1c_date";

    /// <summary>The HbA1c before the latest one, in %.</summary>
    public const string PreviousHba1c = "previous_hba1c";

    /// <summary>ED visits in the last 6 months.</summary>
    public const string EdVisits6m = "ed_visits_6m";

    /// <summary>ED visits in the last 12 months.</summary>
    public const string EdVisits12m = "ed_visits_12m";

    /// <summary>Inpatient admissions in the last 6 months.</summary>
    public const string Admissions6m = "admissions_6m";

    /// <summary>Inpatient admissions in the last 12 months.</summary>
    public const string Admissions12m = "admissions_12m";

    /// <summary>LACE readmission index, 0 to 19.</summary>
    public const string LaceScore = "lace_score";

    /// <summary>HCC risk score (1.0 is the average patient).</summary>
    public const string HccScore = "hcc_score";

    /// <summary>No stable housing: true/false.</summary>
    public const string Homeless = "homeless";

    /// <summary>Social needs separated by ';' (housing, food, transport ...).</summary>
    public const string SocialNeeds = "social_needs";

    /// <summary>A behavioral-health need is documented: true/false.</summary>
    public const string BehavioralHealthNeed = "behavioral_health_need";

    /// <summary>Preferred language, ISO 639-1 (en, es ...).</summary>
    public const string PreferredLanguage = "preferred_language";

    /// <summary>Preferred contact channel: sms, phone, email, letter, portal.</summary>
    public const string PreferredChannel = "preferred_channel";

    /// <summary>The member has died: true/false.</summary>
    public const string Deceased = "deceased";

    /// <summary>Medical record numbers as SYSTEM|VALUE separated by ';' (MERCY|E4421), for matching HL7 v2 ADT messages.</summary>
    public const string Mrn = "mrn";

    /// <summary>Every column read, in the documented order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        MemberId, PracticeId, BirthDate, Age, Sex, Conditions, Hba1c, Hba1cDate, PreviousHba1c, EdVisits6m, EdVisits12m,
        Admissions6m, Admissions12m, LaceScore, HccScore, Homeless, SocialNeeds, BehavioralHealthNeed, PreferredLanguage,
        PreferredChannel, Deceased, Mrn,
    ];

    /// <summary>A header as matched: trimmed, lower-case, with '-' and ' ' as '_'.</summary>
    public static string Normalize(string header) =>
        header.Trim().ToLowerInvariant().Replace('-', '_').Replace(' ', '_');
}
