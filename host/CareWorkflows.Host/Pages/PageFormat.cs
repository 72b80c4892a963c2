using System.Globalization;

namespace CareWorkflows.Host.Pages;

/// <summary>Times on the pages: practice-local, to the minute, with the zone's offset.</summary>
internal static class PageFormat
{
    public static string Local(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    public static string Iso(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } at ? TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture) : "";
}
