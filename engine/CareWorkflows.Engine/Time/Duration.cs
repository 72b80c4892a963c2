using System.Globalization;
using System.Text.RegularExpressions;

namespace CareWorkflows.Engine.Time;

/// <summary>The unit of a <see cref="Duration"/>.</summary>
public enum DurationUnit
{
    /// <summary>Elapsed seconds (for tests and fast previews; care steps use minutes and up).</summary>
    Seconds,
    /// <summary>Elapsed minutes.</summary>
    Minutes,
    /// <summary>Elapsed hours.</summary>
    Hours,
    /// <summary>Days on the practice's local calendar.</summary>
    Days,
    /// <summary>Monday to Friday, less the practice's holidays.</summary>
    BusinessDays,
    /// <summary>Weeks on the practice's local calendar.</summary>
    Weeks,
}

/// <summary>A duration as definitions write it: <c>N seconds|minutes|hours|days|business days|weeks</c>.</summary>
public sealed partial record Duration(int Amount, DurationUnit Unit)
{
    /// <summary>The units a definition may write, for messages.</summary>
    public const string Grammar = "N seconds|minutes|hours|days|business days|weeks, e.g. '2 business days'";

    /// <summary>Reads a duration; returns null when the text does not follow the grammar.</summary>
    public static Duration? TryParse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var match = Pattern().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        var unit = Regex.Replace(match.Groups["unit"].Value.ToLowerInvariant(), @"\s+", " ") switch
        {
            "second" or "seconds" => DurationUnit.Seconds,
            "minute" or "minutes" => DurationUnit.Minutes,
            "hour" or "hours" => DurationUnit.Hours,
            "day" or "days" => DurationUnit.Days,
            "business day" or "business days" => DurationUnit.BusinessDays,
            "week" or "weeks" => DurationUnit.Weeks,
            _ => (DurationUnit?)null,
        };
        return unit is null ? null : new Duration(amount, unit.Value);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var unit = Unit switch
        {
            DurationUnit.Seconds => "second",
            DurationUnit.Minutes => "minute",
            DurationUnit.Hours => "hour",
            DurationUnit.Days => "day",
            DurationUnit.BusinessDays => "business day",
            _ => "week",
        };
        return Amount == 1 ? $"1 {unit}" : $"{Amount} {unit}s";
    }

    [GeneratedRegex(@"^(?<n>\d{1,6})\s+(?<unit>[A-Za-z]+(\s+[A-Za-z]+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
