namespace CareWorkflows.Engine.Audit;

/// <summary>
/// Who did what to which patients: one per request that read or wrote patient data. <see cref="Status"/> is the
/// HTTP status the request was answered with (403 for a refused attempt).
/// </summary>
internal sealed record AuditEntry(
    DateTimeOffset At, string Actor, string ActorName, string Role, string? PracticeId, string Action, string Method, string Path,
    string RequestId, int Status, IReadOnlyCollection<string> PatientIds)
{
    /// <summary>The stored sequence number; 0 before it is stored.</summary>
    public long Id { get; init; }

    public bool Succeeded => Status is >= 200 and < 400;
}

/// <summary>What to read back from the audit trail. Null practices means every practice.</summary>
internal sealed record AuditQuery(IReadOnlyCollection<string>? Practices, string? Patient, DateTimeOffset? From, DateTimeOffset? To, int Limit);
