namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>The acknowledgment code of MSA-1 (HL7 table 0008, original mode).</summary>
internal enum AckCode
{
    /// <summary>AA: accepted and applied (or a repeat of a message applied before).</summary>
    Accept,

    /// <summary>AE: the message was read, but its content is in error (a missing PID-3, an unknown patient).</summary>
    Error,

    /// <summary>AR: the message was rejected without being read: a bad MSH, an unsupported type or version.</summary>
    Reject,
}

/// <summary>The HL7 table 0357 message error condition codes careflow answers with (ERR-3), as of v2.5.</summary>
internal static class ErrorCondition
{
    public const int SegmentSequence = 100;
    public const int RequiredFieldMissing = 101;
    public const int DataTypeError = 102;
    public const int TableValueNotFound = 103;
    public const int UnsupportedMessageType = 200;
    public const int UnsupportedEventCode = 201;
    public const int UnsupportedProcessingId = 202;
    public const int UnsupportedVersionId = 203;
    public const int UnknownKeyIdentifier = 204;
    public const int DuplicateKeyIdentifier = 205;
    public const int ApplicationInternalError = 207;

    /// <summary>The table's display text for a code.</summary>
    public static string Name(int code) => code switch
    {
        SegmentSequence => "Segment sequence error",
        RequiredFieldMissing => "Required field missing",
        DataTypeError => "Data type error",
        TableValueNotFound => "Table value not found",
        UnsupportedMessageType => "Unsupported message type",
        UnsupportedEventCode => "Unsupported event code",
        UnsupportedProcessingId => "Unsupported processing id",
        UnsupportedVersionId => "Unsupported version id",
        UnknownKeyIdentifier => "Unknown key identifier",
        DuplicateKeyIdentifier => "Duplicate key identifier",
        ApplicationInternalError => "Application internal error",
        _ => "Message accepted",
    };
}

/// <summary>
/// What is wrong with a message, located the way ERR-2 locates it: the segment id, its sequence among segments of
/// that id (1 for the first PID), the field, repetition and component, plus the segment's index in the message
/// (1 = MSH). Texts never quote PID or PD1 values: they are patient data.
/// </summary>
/// <param name="Ack">AE (content) or AR (rejected unread).</param>
/// <param name="Condition">HL7 table 0357 code.</param>
/// <param name="SegmentId">MSH, PID ...; empty when no segment can be named (not an HL7 message at all).</param>
/// <param name="SegmentIndex">The segment's position in the message, 1 for MSH; 0 when none.</param>
/// <param name="Text">What is wrong and how to fix it.</param>
internal sealed record Hl7Error(AckCode Ack, int Condition, string SegmentId, int SegmentIndex, string Text)
{
    /// <summary>The segment's sequence among segments with the same id (ERR-2.2).</summary>
    public int SegmentSequence { get; init; } = 1;

    /// <summary>The field (PID-3 is 3); 0 for the segment as a whole.</summary>
    public int Field { get; init; }

    /// <summary>The field repetition, when one is at fault.</summary>
    public int Repetition { get; init; }

    /// <summary>The component, when one is at fault.</summary>
    public int Component { get; init; }

    /// <summary>Where, as people write it: PID-3, PID-3.4, MSH, or "message".</summary>
    public string Location =>
        SegmentId.Length == 0 ? "message"
        : Field == 0 ? SegmentId
        : Component > 0 ? $"{SegmentId}-{Field}.{Component}" : $"{SegmentId}-{Field}";

    /// <summary>The error on one line: <c>segment 3 (PID), PID-3: what is wrong.</c></summary>
    public override string ToString() =>
        SegmentIndex == 0 ? $"{Location}: {Text}"
        : SegmentId.Length == 0 ? $"segment {SegmentIndex}: {Text}"
        : $"segment {SegmentIndex} ({SegmentId}), {Location}: {Text}";

    /// <summary>A problem in a field of a segment.</summary>
    public static Hl7Error At(AckCode ack, int condition, Hl7Segment segment, int field, string text, int component = 0, int repetition = 0)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return new Hl7Error(ack, condition, segment.Id, segment.Index, text)
        {
            SegmentSequence = segment.Sequence,
            Field = field,
            Component = component,
            Repetition = repetition,
        };
    }
}

/// <summary>Thrown by the parser and the mapping with the first problem found.</summary>
internal sealed class Hl7Exception(Hl7Error error) : Exception(error.ToString())
{
    /// <summary>The problem.</summary>
    public Hl7Error Error { get; } = error;
}
