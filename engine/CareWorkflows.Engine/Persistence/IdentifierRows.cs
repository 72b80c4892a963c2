namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// A patient identifier issued outside careflow (a hospital's medical record number), mapped to the practice's
/// patient id. Filled by the FHIR and CSV imports; read by the HL7 v2 ADT feed. The value is patient data.
/// </summary>
internal sealed class PatientIdentifierRow
{
    public required string PracticeId { get; set; }

    /// <summary>Who issued it: a FHIR Identifier.system, or an HL7 v2 assigning authority (namespace id or OID).</summary>
    public required string System { get; set; }

    public required string Value { get; set; }
    public required string PatientId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An HL7 v2 message answered AE or AR, kept for review with the error it was answered with.</summary>
internal sealed class RejectedMessageRow
{
    public long Id { get; set; }

    /// <summary>The practice the message was for; empty when it could not be told (a garbled header).</summary>
    public string PracticeId { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>Where it came from: "mllp 10.0.0.7:51234" or "file adt-0001.hl7, message 2".</summary>
    public required string Source { get; set; }

    /// <summary>MSH-10, when it could be read.</summary>
    public string? ControlId { get; set; }

    /// <summary>MSH-9 as sent, when it could be read.</summary>
    public string? MessageType { get; set; }

    /// <summary>AE or AR.</summary>
    public required string Ack { get; set; }

    /// <summary>HL7 table 0357 code.</summary>
    public int Condition { get; set; }

    /// <summary>PID-3, MSH-9.2 ...</summary>
    public required string Location { get; set; }

    public required string Error { get; set; }

    /// <summary>The message as received (patient data).</summary>
    public required string Message { get; set; }
}
