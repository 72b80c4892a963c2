using System.Globalization;
using System.Text.RegularExpressions;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>HL7 v2 date/time values (DTM, the first component of TS): YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ].</summary>
internal static partial class Hl7Time
{
    /// <summary>How to write a date/time, for messages.</summary>
    public const string Format = "YYYYMMDD[HHMM[SS]][+/-ZZZZ], e.g. 20261120143000-0600";

    /// <summary>
    /// The instant a DTM names; a value without an offset is a local time of <paramref name="zone"/> (the practice's),
    /// and missing parts are the start of the period (a bare date is midnight). False when it is not a DTM.
    /// </summary>
    public static bool TryParse(string text, TimeZoneInfo zone, out DateTimeOffset value)
    {
        ArgumentNullException.ThrowIfNull(zone);
        value = default;
        var match = Dtm().Match(text ?? "");
        if (!match.Success)
        {
            return false;
        }

        int Part(string name, int fallback) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : fallback;
        var fraction = match.Groups["fraction"].Success ? decimal.Parse("0." + match.Groups["fraction"].Value, CultureInfo.InvariantCulture) : 0m;
        DateTime local;
        try
        {
            local = new DateTime(Part("year", 1), Part("month", 1), Part("day", 1), Part("hour", 0), Part("minute", 0), Part("second", 0), DateTimeKind.Unspecified)
                .AddTicks((long)(fraction * TimeSpan.TicksPerSecond));
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        if (match.Groups["offset"].Success)
        {
            var sign = match.Groups["sign"].Value == "-" ? -1 : 1;
            var hours = int.Parse(match.Groups["offset"].Value[..2], CultureInfo.InvariantCulture);
            var minutes = int.Parse(match.Groups["offset"].Value[2..], CultureInfo.InvariantCulture);
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            value = new DateTimeOffset(local, sign * new TimeSpan(hours, minutes, 0));
            return true;
        }

        value = new DateTimeOffset(local, zone.GetUtcOffset(local));
        return true;
    }

    /// <summary>A date (the first eight digits of a DTM such as a birth date); false when it is not one.</summary>
    public static bool TryParseDate(string text, out DateOnly value)
    {
        value = default;
        var match = Dtm().Match(text ?? "");
        return match.Success && match.Groups["day"].Success
            && DateOnly.TryParseExact(text![..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    [GeneratedRegex(@"^(?<year>\d{4})(?:(?<month>\d{2})(?:(?<day>\d{2})(?:(?<hour>\d{2})(?:(?<minute>\d{2})(?:(?<second>\d{2})(?:\.(?<fraction>\d{1,4}))?)?)?)?)?)?(?:(?<sign>[+-])(?<offset>\d{4}))?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dtm();
}
