namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>One parsed ER7 message: its separators and its segments in order (MSH first).</summary>
internal sealed record Hl7Message(Er7Delimiters Delimiters, IReadOnlyList<Hl7Segment> Segments)
{
    /// <summary>The MSH segment.</summary>
    public Hl7Segment Header => Segments[0];

    /// <summary>The first segment with this id, or null.</summary>
    public Hl7Segment? Segment(string id) => Segments.FirstOrDefault(s => s.Id == id);
}

/// <summary>
/// One segment. Fields are numbered as the standard numbers them: for MSH, field 1 is the field separator and field
/// 2 the encoding characters; for every other segment field 1 is the first after the segment id. Values are read
/// with their escape sequences replaced; a repeat of "" (HL7's explicit null) reads as empty.
/// </summary>
internal sealed class Hl7Segment
{
    private readonly IReadOnlyList<string> _fields;
    private readonly Er7Delimiters _delimiters;

    /// <param name="id">MSH, PID ...</param>
    /// <param name="index">Its position in the message, 1 for MSH.</param>
    /// <param name="sequence">Its position among segments with the same id, 1 for the first.</param>
    /// <param name="fields">Raw field texts, index = field number (index 0 is the id).</param>
    /// <param name="delimiters">The message's separators.</param>
    public Hl7Segment(string id, int index, int sequence, IReadOnlyList<string> fields, Er7Delimiters delimiters)
    {
        Id = id;
        Index = index;
        Sequence = sequence;
        _fields = fields;
        _delimiters = delimiters;
    }

    /// <summary>The segment id.</summary>
    public string Id { get; }

    /// <summary>Position in the message, 1 for MSH.</summary>
    public int Index { get; }

    /// <summary>Position among segments of the same id, 1 for the first.</summary>
    public int Sequence { get; }

    /// <summary>The highest field number present.</summary>
    public int FieldCount => _fields.Count - 1;

    /// <summary>A field's raw text (escapes and separators as sent); empty when absent.</summary>
    public string Raw(int field) => field > 0 && field < _fields.Count ? _fields[field] : "";

    /// <summary>True when the field has a value (other than HL7's null "").</summary>
    public bool Has(int field) => Raw(field) is { Length: > 0 } raw && raw != "\"\"";

    /// <summary>The field's repetitions, raw; one empty repetition when the field is empty.</summary>
    public IReadOnlyList<string> Repetitions(int field) =>
        IsHeaderSeparatorField(field) ? [Raw(field)] : Raw(field).Split(_delimiters.Repetition);

    /// <summary>
    /// A value: the given component (1-based) and subcomponent of the given repetition of the field, unescaped.
    /// Empty when absent. Escapes of the segments careflow reads were checked when the message was parsed.
    /// </summary>
    public string Value(int field, int component = 1, int subcomponent = 1, int repetition = 1)
    {
        if (IsHeaderSeparatorField(field))
        {
            return Raw(field);
        }

        var repetitions = Repetitions(field);
        return repetition <= repetitions.Count ? Part(repetitions[repetition - 1], component, subcomponent) : "";
    }

    /// <summary>A component and subcomponent of one raw repetition, unescaped; empty when absent.</summary>
    public string Part(string repetition, int component = 1, int subcomponent = 1)
    {
        ArgumentNullException.ThrowIfNull(repetition);
        var components = repetition.Split(_delimiters.Component);
        if (component > components.Length)
        {
            return "";
        }

        var subcomponents = components[component - 1].Split(_delimiters.Subcomponent);
        if (subcomponent > subcomponents.Length)
        {
            return "";
        }

        var raw = subcomponents[subcomponent - 1];
        if (raw == "\"\"")
        {
            return "";
        }

        return _delimiters.Unescape(raw, out var problem)
            ?? throw new Hl7Exception(Hl7Error.At(AckCode.Error, ErrorCondition.DataTypeError, this, 0, problem!));
    }

    private bool IsHeaderSeparatorField(int field) => Id == "MSH" && field is 1 or 2;
}
