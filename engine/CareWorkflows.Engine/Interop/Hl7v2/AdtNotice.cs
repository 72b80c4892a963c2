namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// One medical record number of PID-3 (identifier type MR): the value and the names its assigning authority
/// (PID-3.4) goes by: namespace id, universal id, and urn:oid:{universal id} for an ISO OID.
/// </summary>
/// <param name="Value">The MRN (PID-3.1). Patient data: never logged.</param>
/// <param name="Systems">The assigning authority's names, any of which may be stored as the identifier's system.</param>
/// <param name="Repetition">The repetition of PID-3 it came from, for error locations.</param>
internal sealed record MedicalRecordNumber(string Value, IReadOnlyList<string> Systems, int Repetition);

/// <summary>What an ADT message says, ready to become an event once its patient is found.</summary>
/// <param name="PracticeId">The practice, from MSH-6 or MSH-4 through practice.yaml's hl7.facilities.</param>
/// <param name="ControlId">MSH-10.</param>
/// <param name="Sender">The sending facility (MSH-4.1, else MSH-3.1), part of the event id.</param>
/// <param name="Trigger">A01, A03, A04 or A08.</param>
/// <param name="EventType">The careflow event type it becomes.</param>
/// <param name="At">When it happened.</param>
/// <param name="Data">The event data (setting, discharged-at, disposition, date, or facts for an update).</param>
/// <param name="Identifiers">The MRNs of PID-3.</param>
/// <param name="Pid">The PID segment, for error locations.</param>
internal sealed record AdtNotice(
    string PracticeId, string ControlId, string Sender, string Trigger, string EventType, DateTimeOffset At,
    IReadOnlyDictionary<string, string> Data, IReadOnlyList<MedicalRecordNumber> Identifiers, Hl7Segment Pid)
{
    /// <summary>The event id: <c>hl7:{sending facility}:{MSH-10}</c>; the inbox keys it by practice too.</summary>
    public string EventId => $"hl7:{Sender}:{ControlId}";
}
