using CareWorkflows.Engine.Interop.Codes;

namespace CareWorkflows.Engine.Interop.Fhir;

/// <summary>
/// Which version of a resource a record came from: meta.versionId (when it is a number), else meta.lastUpdated,
/// else the order read. A later read of the same resource replaces the record only when it is not older.
/// </summary>
internal readonly record struct ResourceVersion(long? VersionId, DateTimeOffset? LastUpdated, long Order)
{
    /// <summary>The version text used in messages: versionId, lastUpdated or v0.</summary>
    public override string ToString() =>
        VersionId?.ToString(System.Globalization.CultureInfo.InvariantCulture)
        ?? LastUpdated?.ToString("O", System.Globalization.CultureInfo.InvariantCulture)
        ?? "v0";

    /// <summary>True when this version should replace <paramref name="other"/>.</summary>
    public bool Supersedes(ResourceVersion other)
    {
        if (VersionId is { } mine && other.VersionId is { } theirs && mine != theirs)
        {
            return mine > theirs;
        }

        if (LastUpdated is { } myTime && other.LastUpdated is { } theirTime && myTime != theirTime)
        {
            return myTime > theirTime;
        }

        return Order >= other.Order;
    }
}

/// <summary>What careflow keeps of one imported resource: only what facts and events need.</summary>
internal abstract record FhirRecord(string Key, string PatientId, ResourceVersion Version);

/// <summary>
/// Patient: birth date (for age), deceased, preferred language, and the medical record numbers (identifiers of type
/// MR with a system) that HL7 v2 ADT messages are matched by. Names and addresses are never kept; the identifiers go
/// to the identifier table only, never into events or logs.
/// </summary>
internal sealed record FhirPatient(string Key, string PatientId, ResourceVersion Version, DateOnly? BirthDate, bool Deceased, string? Language)
    : FhirRecord(Key, PatientId, Version)
{
    /// <summary>The medical record numbers.</summary>
    public IReadOnlyList<Persistence.PatientIdentifier> Identifiers { get; init; } = [];
}

/// <summary>Condition: the condition ids and social needs its codes mean, and whether it is active.</summary>
internal sealed record FhirCondition(string Key, string PatientId, ResourceVersion Version, bool Active, IReadOnlyList<CodeEntry> Matches)
    : FhirRecord(Key, PatientId, Version);

/// <summary>Observation: an HbA1c result (percent) or a blood pressure (mmHg), with its time.</summary>
internal sealed record FhirObservation(string Key, string PatientId, ResourceVersion Version, DateTimeOffset At, decimal? Hba1c, decimal? Systolic, decimal? Diastolic)
    : FhirRecord(Key, PatientId, Version);

/// <summary>Encounter: setting (from class), status, period and discharge disposition.</summary>
internal sealed record FhirEncounter(string Key, string Id, string PatientId, ResourceVersion Version, string Setting, string Status, DateTimeOffset? Start, DateTimeOffset? End, string? Disposition)
    : FhirRecord(Key, PatientId, Version);

/// <summary>Appointment: status, start, place and when it was booked.</summary>
internal sealed record FhirAppointment(string Key, string Id, string PatientId, ResourceVersion Version, string Status, DateTimeOffset? Start, string? Place, DateTimeOffset? Created)
    : FhirRecord(Key, PatientId, Version);

/// <summary>Coverage: status and payer name.</summary>
internal sealed record FhirCoverage(string Key, string PatientId, ResourceVersion Version, string Status, string? Payer)
    : FhirRecord(Key, PatientId, Version);
