namespace CareWorkflows.Engine.Reminders;

/// <summary>The hours of the day, patient-local, a reminder may go out; the rest are quiet hours.</summary>
public static class QuietHours
{
    /// <summary><paramref name="due"/> itself when it falls within the hours, else the next opening.</summary>
    public static DateTimeOffset NextAllowed(DateTimeOffset due, TimeZoneInfo zone, TimeOnly from, TimeOnly until)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(due, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        if (time >= from && time < until)
        {
            return due;
        }

        var day = DateOnly.FromDateTime(local.DateTime);
        var opening = (time < from ? day : day.AddDays(1)).ToDateTime(from);
        // An opening inside a daylight-saving gap does not exist; an hour later does.
        if (zone.IsInvalidTime(opening))
        {
            opening = opening.AddHours(1);
        }

        return new DateTimeOffset(opening, zone.GetUtcOffset(opening));
    }
}
