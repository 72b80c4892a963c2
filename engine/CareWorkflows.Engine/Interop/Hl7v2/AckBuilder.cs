using System.Globalization;
using System.Text;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// Builds the original-mode ACK for a message: MSH, MSA (AA, AE or AR with the original MSH-10 and a short text
/// naming the segment and field at fault) and, for AE/AR, an ERR segment (ERR-2 location
/// segment^sequence^field^repetition^component, ERR-3 the table 0357 code, ERR-4 severity E, ERR-8 the full text).
/// The answer uses the message's own separators when they could be read, else |^~\&amp;.
/// </summary>
internal static class AckBuilder
{
    /// <summary>MSH-3 of every answer.</summary>
    public const string Application = "CAREFLOW";

    /// <summary>The version careflow answers in.</summary>
    public const string Version = "2.5.1";

    /// <summary>An AA for <paramref name="rawMessage"/>, with a short MSA-3 text.</summary>
    public static string Accept(string rawMessage, string text, DateTimeOffset now) => Build(rawMessage, AckCode.Accept, null, text, now);

    /// <summary>An AE or AR (by the error's kind) with an ERR segment.</summary>
    public static string Refuse(string rawMessage, Hl7Error error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Build(rawMessage, error.Ack, error, $"{error.Location}: {ErrorCondition.Name(error.Condition)}", now);
    }

    /// <summary>MSA-1 as written: AA, AE, AR.</summary>
    public static string Code(AckCode ack) => ack switch
    {
        AckCode.Accept => "AA",
        AckCode.Error => "AE",
        _ => "AR",
    };

    private static string Build(string rawMessage, AckCode ack, Hl7Error? error, string text, DateTimeOffset now)
    {
        var header = Er7Parser.TryHeader(rawMessage ?? "");
        var d = header?.Delimiters ?? Er7Delimiters.Default;
        var msh = header?.Header;
        string Raw(int field) => msh?.Raw(field) ?? "";
        var trigger = msh?.Value(9, 2) ?? "";
        var processing = msh?.Value(11) is { Length: > 0 } p && p.Length <= 3 ? Raw(11) : "P";
        var f = d.Field;
        var ackId = "CF" + Guid.NewGuid().ToString("N")[..18].ToUpperInvariant();
        var result = new StringBuilder()
            .Append("MSH").Append(f).Append(d.EncodingCharacters).Append(f)
            .Append(Application).Append(f).Append(Raw(6)).Append(f).Append(Raw(3)).Append(f).Append(Raw(4)).Append(f)
            .Append(now.ToString("yyyyMMddHHmmsszzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)).Append(f).Append(f)
            .Append("ACK").Append(trigger.Length > 0 ? d.Component + d.EscapeText(trigger) : "").Append(d.Component).Append("ACK").Append(f)
            .Append(ackId).Append(f).Append(processing).Append(f).Append(Version).Append('\r')
            .Append("MSA").Append(f).Append(Code(ack)).Append(f).Append(Raw(10)).Append(f).Append(d.EscapeText(text)).Append('\r');
        if (error is not null)
        {
            result.Append("ERR").Append(f).Append(f);
            if (error.SegmentId.Length > 0)
            {
                result.Append(error.SegmentId).Append(d.Component).Append(error.SegmentSequence);
                if (error.Field > 0)
                {
                    result.Append(d.Component).Append(error.Field);
                    if (error.Repetition > 0 || error.Component > 0)
                    {
                        result.Append(d.Component).Append(Math.Max(1, error.Repetition));
                    }

                    if (error.Component > 0)
                    {
                        result.Append(d.Component).Append(error.Component);
                    }
                }
            }

            result.Append(f).Append(error.Condition).Append(d.Component).Append(ErrorCondition.Name(error.Condition)).Append(d.Component).Append("HL70357")
                .Append(f).Append('E').Append(f).Append(f).Append(f).Append(f).Append(d.EscapeText(error.ToString())).Append('\r');
        }

        return result.ToString();
    }
}
