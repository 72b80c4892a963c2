namespace CareWorkflows.Engine.Time;

/// <summary>
/// A practice's time zone, holidays and working hours: what "2 business days" means for that practice.
/// </summary>
public sealed class PracticeCalendar
{
    private readonly HashSet<DateOnly> _holidays;

    /// <summary>Creates a calendar.</summary>
    /// <param name="timeZone">The practice's time zone.</param>
    /// <param name="holidays">Days the practice is closed besides weekends.</param>
    /// <param name="opens">Opening time on working days; 08:00 if omitted.</param>
    /// <param name="closes">Closing time on working days; 17:00 if omitted.</param>
    public PracticeCalendar(TimeZoneInfo timeZone, IEnumerable<DateOnly>? holidays = null, TimeOnly? opens = null, TimeOnly? closes = null)
    {
        TimeZone = timeZone;
        _holidays = [.. holidays ?? []];
        Opens = opens ?? new TimeOnly(8, 0);
        Closes = closes ?? new TimeOnly(17, 0);
        if (Closes <= Opens)
        {
            throw new ArgumentException($"Working hours must close after they open (opens {Opens}, closes {Closes}).", nameof(closes));
        }
    }

    /// <summary>A calendar in UTC with no holidays and 08:00–17:00 working hours.</summary>
    public static PracticeCalendar Utc { get; } = new(TimeZoneInfo.Utc);

    /// <summary>The practice's time zone.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Opening time on working days.</summary>
    public TimeOnly Opens { get; }

    /// <summary>Closing time on working days.</summary>
    public TimeOnly Closes { get; }

    /// <summary>The practice's holidays.</summary>
    public IReadOnlySet<DateOnly> Holidays => _holidays;

    /// <summary>True on Monday to Friday when the day is not a holiday.</summary>
    public bool IsBusinessDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);

    /// <summary>The practice-local date of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, TimeZone).DateTime);

    /// <summary>
    /// When something started at <paramref name="start"/> with <paramref name="duration"/> to do it falls due.
    /// Seconds, minutes and hours are elapsed time. Days and weeks keep the local time of day on the practice's
    /// calendar (so a daylight-saving change does not shift them). Business days end at the close of the
    /// Nth business day after the start's local date: discharged Friday, "2 business days" is Tuesday at close.
    /// </summary>
    public DateTimeOffset DueAfter(DateTimeOffset start, Duration duration)
    {
        ArgumentNullException.ThrowIfNull(duration);
        return duration.Unit switch
        {
            DurationUnit.Seconds => start.AddSeconds(duration.Amount),
            DurationUnit.Minutes => start.AddMinutes(duration.Amount),
            DurationUnit.Hours => start.AddHours(duration.Amount),
            DurationUnit.Days => CloseOf(LocalDate(start).AddDays(duration.Amount)),
            DurationUnit.Weeks => CloseOf(LocalDate(start).AddDays(duration.Amount * 7)),
            _ => CloseOf(AddBusinessDays(LocalDate(start), duration.Amount)),
        };
    }

    /// <summary>The instant <paramref name="duration"/> before <paramref name="anchor"/>, for reminders.</summary>
    public DateTimeOffset Before(DateTimeOffset anchor, Duration duration)
    {
        ArgumentNullException.ThrowIfNull(duration);
        return duration.Unit switch
        {
            DurationUnit.Seconds => anchor.AddSeconds(-duration.Amount),
            DurationUnit.Minutes => anchor.AddMinutes(-duration.Amount),
            DurationUnit.Hours => anchor.AddHours(-duration.Amount),
            DurationUnit.Days => AddLocalDays(anchor, -duration.Amount),
            DurationUnit.Weeks => AddLocalDays(anchor, -duration.Amount * 7),
            _ => AtLocalTime(AddBusinessDays(LocalDate(anchor), -duration.Amount), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(anchor, TimeZone).DateTime)),
        };
    }

    /// <summary>The business day <paramref name="count"/> business days after (or, negative, before) <paramref name="day"/>.</summary>
    public DateOnly AddBusinessDays(DateOnly day, int count)
    {
        var step = count >= 0 ? 1 : -1;
        var remaining = Math.Abs(count);
        var current = day;
        while (remaining > 0)
        {
            current = current.AddDays(step);
            if (IsBusinessDay(current))
            {
                remaining--;
            }
        }

        return current;
    }

    /// <summary>Business days from the local date of <paramref name="from"/> to that of <paramref name="to"/> (0 on the same day).</summary>
    public int BusinessDaysBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var (start, end) = (LocalDate(from), LocalDate(to));
        var count = 0;
        for (var day = start.AddDays(1); day <= end; day = day.AddDays(1))
        {
            if (IsBusinessDay(day))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The closing time of a local day, as an instant.</summary>
    public DateTimeOffset CloseOf(DateOnly day) => AtLocalTime(day, Closes);

    /// <summary>A local date and time of day, as an instant (a time skipped by a clock change moves forward).</summary>
    public DateTimeOffset AtLocalTime(DateOnly day, TimeOnly time)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, TimeZone.GetUtcOffset(local));
    }

    private DateTimeOffset AddLocalDays(DateTimeOffset start, int days)
    {
        var local = TimeZoneInfo.ConvertTime(start, TimeZone);
        return AtLocalTime(DateOnly.FromDateTime(local.DateTime).AddDays(days), TimeOnly.FromDateTime(local.DateTime));
    }
}
