using System.Globalization;
using System.Text;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// The separators of one ER7 message, read from MSH-1 (field) and MSH-2 (component, repetition, escape,
/// subcomponent, in that order), and the escape sequences of HL7 v2 section 2.7.
/// </summary>
internal sealed record Er7Delimiters(char Field, char Component, char Repetition, char Escape, char Subcomponent)
{
    /// <summary>|^~\&amp;, what nearly every sender uses and what answers use when a message's own cannot be read.</summary>
    public static Er7Delimiters Default { get; } = new('|', '^', '~', '\\', '&');

    /// <summary>MSH-2 as written: component, repetition, escape, subcomponent.</summary>
    public string EncodingCharacters => string.Concat(Component, Repetition, Escape, Subcomponent);

    /// <summary>
    /// The text of a component or subcomponent with its escape sequences replaced: \F\ \S\ \T\ \R\ \E\ by the
    /// separators, \Xhh..\ by the bytes (UTF-8), \.br\ and \.sp\ by a line break; \H\ \N\ and the other formatting
    /// commands (\.fi\ \.nf\ \.in\ \.ti\ \.sk\ \.ce\) are dropped. Returns null with <paramref name="problem"/> set
    /// for an unterminated or unknown sequence.
    /// </summary>
    public string? Unescape(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        var start = text.IndexOf(Escape, StringComparison.Ordinal);
        if (start < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var at = 0;
        while (start >= 0)
        {
            result.Append(text, at, start - at);
            var end = text.IndexOf(Escape, start + 1);
            if (end < 0)
            {
                problem = $"an escape sequence starting with '{Escape}' is not closed by another '{Escape}'. Write a literal '{Escape}' as {Escape}E{Escape}.";
                return null;
            }

            var sequence = text[(start + 1)..end];
            if (!Append(result, sequence))
            {
                problem = sequence.Length == 0
                    ? $"'{Escape}{Escape}' is an empty escape sequence. Write a literal '{Escape}' as {Escape}E{Escape}."
                    : $"'{Escape}{sequence}{Escape}' is not an escape sequence careflow reads (F, S, T, R, E, Xhh.., H, N, .br, .sp and the other formatting commands).";
                return null;
            }

            at = end + 1;
            start = text.IndexOf(Escape, at);
        }

        result.Append(text, at, text.Length - at);
        return result.ToString();
    }

    /// <summary>Text made safe for a field: each separator written as its escape sequence.</summary>
    public string EscapeText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            var code = c == Escape ? 'E' : c == Field ? 'F' : c == Component ? 'S' : c == Subcomponent ? 'T' : c == Repetition ? 'R' : '\0';
            if (code != '\0')
            {
                result.Append(Escape).Append(code).Append(Escape);
            }
            else if (c is '\r' or '\n')
            {
                result.Append(Escape).Append(".br").Append(Escape);
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private bool Append(StringBuilder result, string sequence)
    {
        switch (sequence)
        {
            case "F":
                result.Append(Field);
                return true;
            case "S":
                result.Append(Component);
                return true;
            case "T":
                result.Append(Subcomponent);
                return true;
            case "R":
                result.Append(Repetition);
                return true;
            case "E":
                result.Append(Escape);
                return true;
            case "H" or "N":
                return true;
            case ".br":
                result.Append('\n');
                return true;
        }

        if (sequence.Length > 1 && sequence[0] == 'X')
        {
            var hex = sequence[1..];
            if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
            {
                return false;
            }

            var bytes = Convert.FromHexString(hex);
            result.Append(Encoding.UTF8.GetString(bytes));
            return true;
        }

        if (sequence.StartsWith(".sp", StringComparison.Ordinal))
        {
            var count = sequence.Length == 3 ? 1 : int.TryParse(sequence.AsSpan(3).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
            if (count is < 0 or > 100)
            {
                return false;
            }

            result.Append('\n', count);
            return true;
        }

        return sequence is ".fi" or ".nf" or ".ce"
            || (sequence.Length > 3 && (sequence.StartsWith(".in", StringComparison.Ordinal) || sequence.StartsWith(".ti", StringComparison.Ordinal) || sequence.StartsWith(".sk", StringComparison.Ordinal))
                && int.TryParse(sequence.AsSpan(3).Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
    }
}
