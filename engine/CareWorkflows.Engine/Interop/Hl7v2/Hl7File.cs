namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// The messages of a drop file: MLLP frames when the file holds a start block (0x0B), else plain ER7 with each
/// message starting at a line that starts with MSH. Text before the first MSH is returned as a bad unit, so that
/// it is answered and kept too.
/// </summary>
internal static class Hl7File
{
    /// <summary>The file's messages, in order.</summary>
    public static async Task<IReadOnlyList<MllpFrame>> ReadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var frames = new List<MllpFrame>();
        if (Array.IndexOf(bytes, Mllp.StartBlock) >= 0)
        {
            using var stream = new MemoryStream(bytes, writable: false);
            await foreach (var frame in Mllp.ReadAsync(stream, cancellationToken))
            {
                frames.Add(frame);
            }

            return frames;
        }

        var lines = Mllp.Decode(bytes).TrimStart('\uFEFF').Replace("\r\n", "\r", StringComparison.Ordinal).Split('\r', '\n');
        var current = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("MSH", StringComparison.Ordinal) && current.Any(l => l.Trim().Length > 0))
            {
                frames.Add(Unit(current));
                current.Clear();
            }

            current.Add(line);
        }

        if (current.Any(l => l.Trim().Length > 0))
        {
            frames.Add(Unit(current));
        }

        return frames;
    }

    private static MllpFrame Unit(List<string> lines)
    {
        var text = string.Join('\r', lines.Where(l => l.Length > 0)) + "\r";
        return text.StartsWith("MSH", StringComparison.Ordinal)
            ? new MllpFrame(text, null)
            : new MllpFrame(text, "text before the first MSH segment. A drop file holds HL7 v2 messages, each starting with an MSH segment.");
    }
}
