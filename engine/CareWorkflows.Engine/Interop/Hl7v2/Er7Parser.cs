using System.Text.RegularExpressions;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// A strict reader of one ER7 (pipe-and-hat) message. Segments end with CR (CRLF and LF are taken too); the
/// separators come from MSH-1 and MSH-2. Every field of MSH, EVN, PID, PD1, PV1 and PV2 is checked for escape
/// sequences careflow can read; other segments are kept as they are and never read. The first problem throws an
/// <see cref="Hl7Exception"/> naming the segment and field: AR for the header, AE for the rest.
/// </summary>
internal static partial class Er7Parser
{
    /// <summary>The segments whose every field is checked.</summary>
    public static IReadOnlyList<string> ReadSegments { get; } = ["MSH", "EVN", "PID", "PD1", "PV1", "PV2"];

    /// <summary>Parses one message; throws <see cref="Hl7Exception"/> with the first problem.</summary>
    public static Hl7Message Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\r", StringComparison.Ordinal).Split('\r', '\n')
            .Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0)
        {
            throw Reject(ErrorCondition.SegmentSequence, "", 0, "the message is empty. Send one HL7 v2 message starting with an MSH segment.");
        }

        if (!lines[0].StartsWith("MSH", StringComparison.Ordinal))
        {
            throw Reject(ErrorCondition.SegmentSequence, "", 0,
                "the message does not start with an MSH segment. An HL7 v2 message starts with MSH|^~\\&| and its segments end with a carriage return.");
        }

        var delimiters = Delimiters(lines[0]);
        var segments = new List<Hl7Segment>(lines.Count);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var parts = lines[i].Split(delimiters.Field);
            var id = parts[0];
            if (!SegmentId().IsMatch(id))
            {
                throw new Hl7Exception(new Hl7Error(AckCode.Error, ErrorCondition.SegmentSequence, "", i + 1,
                    $"segment {i + 1} does not start with a segment id (three capitals or digits, e.g. PID, then '{delimiters.Field}'). Check that every segment ends with a carriage return and none is split across lines."));
            }

            var sequence = counts[id] = counts.GetValueOrDefault(id) + 1;
            if (id == "MSH" && i > 0)
            {
                throw new Hl7Exception(new Hl7Error(AckCode.Error, ErrorCondition.SegmentSequence, id, i + 1,
                    "a second MSH segment: each message goes in its own MLLP frame (or starts its own MSH in a drop file).") { SegmentSequence = sequence });
            }

            IReadOnlyList<string> fields = id == "MSH" ? [.. parts.Take(1), delimiters.Field.ToString(), .. parts.Skip(1)] : parts;
            var segment = new Hl7Segment(id, i + 1, sequence, fields, delimiters);
            if (ReadSegments.Contains(id))
            {
                CheckEscapes(segment, delimiters);
            }

            segments.Add(segment);
        }

        return new Hl7Message(delimiters, segments);
    }

    /// <summary>
    /// The MSH segment of a message that may not parse, read without checks, so that an answer can echo its
    /// control id and addresses; null when the text does not start with a readable MSH.
    /// </summary>
    public static (Hl7Segment Header, Er7Delimiters Delimiters)? TryHeader(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.TrimStart('\r', '\n').Split('\r', '\n')[0];
        if (!line.StartsWith("MSH", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var delimiters = Delimiters(line);
            var parts = line.Split(delimiters.Field);
            return (new Hl7Segment("MSH", 1, 1, [.. parts.Take(1), delimiters.Field.ToString(), .. parts.Skip(1)], delimiters), delimiters);
        }
        catch (Hl7Exception)
        {
            return null;
        }
    }

    private static Er7Delimiters Delimiters(string msh)
    {
        if (msh.Length < 8)
        {
            throw Reject(ErrorCondition.RequiredFieldMissing, "MSH", 1, "MSH is too short to hold the field separator (MSH-1) and the encoding characters (MSH-2). Start it with MSH|^~\\&|.", field: 2);
        }

        var field = msh[3];
        if (char.IsLetterOrDigit(field) || char.IsWhiteSpace(field))
        {
            throw Reject(ErrorCondition.DataTypeError, "MSH", 1, $"'{field}' cannot be the field separator: it must not be a letter, digit or space. Most senders use '|'.", field: 1);
        }

        var end = msh.IndexOf(field, 4);
        var encoding = end < 0 ? msh[4..] : msh[4..end];
        if (encoding.Length is not (4 or 5)
            || encoding.Distinct().Count() != encoding.Length
            || encoding.Any(c => c == field || char.IsLetterOrDigit(c) || char.IsWhiteSpace(c)))
        {
            throw Reject(ErrorCondition.DataTypeError, "MSH", 1,
                $"the encoding characters must be four distinct signs (component, repetition, escape, subcomponent), neither letters, digits, spaces nor the field separator; '{encoding}' is not. Most senders use ^~\\&.", field: 2);
        }

        return new Er7Delimiters(field, encoding[0], encoding[1], encoding[2], encoding[3]);
    }

    private static void CheckEscapes(Hl7Segment segment, Er7Delimiters delimiters)
    {
        var first = segment.Id == "MSH" ? 3 : 1;
        for (var field = first; field <= segment.FieldCount; field++)
        {
            var repetitions = segment.Repetitions(field);
            for (var r = 0; r < repetitions.Count; r++)
            {
                var components = repetitions[r].Split(delimiters.Component);
                for (var c = 0; c < components.Length; c++)
                {
                    foreach (var sub in components[c].Split(delimiters.Subcomponent))
                    {
                        if (delimiters.Unescape(sub, out var problem) is null)
                        {
                            var ack = segment.Id == "MSH" ? AckCode.Reject : AckCode.Error;
                            throw new Hl7Exception(Hl7Error.At(ack, ErrorCondition.DataTypeError, segment, field, problem!, component: c + 1, repetition: r + 1));
                        }
                    }
                }
            }
        }
    }

    private static Hl7Exception Reject(int condition, string segment, int index, string text, int field = 0) =>
        new(new Hl7Error(AckCode.Reject, condition, segment, index, text) { Field = field });

    [GeneratedRegex("^[A-Z][A-Z0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentId();
}
