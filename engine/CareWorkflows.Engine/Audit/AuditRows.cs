namespace CareWorkflows.Engine.Audit;

// Append-only: the AccessControl migration adds triggers that refuse UPDATE and DELETE on both tables.

/// <summary>One request that read or wrote patient data (or tried to).</summary>
internal sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>Key id (<c>key:abc…</c>) or JWT subject (<c>jwt:…</c>).</summary>
    public required string Actor { get; set; }

    public required string ActorName { get; set; }
    public required string Role { get; set; }
    public string? PracticeId { get; set; }
    public required string Action { get; set; }
    public required string Method { get; set; }
    public required string Path { get; set; }
    public required string RequestId { get; set; }
    public int Status { get; set; }
}

/// <summary>A patient one audited request touched.</summary>
internal sealed class AuditPatientRow
{
    public long AuditId { get; set; }
    public required string PracticeId { get; set; }
    public required string PatientId { get; set; }
}
