using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Reminders;

/// <summary>A group medical appointment session as a message shows it.</summary>
/// <param name="Id">The session id.</param>
/// <param name="Topic">What the session is about.</param>
/// <param name="Start">When it starts.</param>
/// <param name="Minutes">How long it lasts.</param>
/// <param name="Place">Where.</param>
/// <param name="Facilitator">Who leads it.</param>
public sealed record SessionInfo(string Id, string Topic, DateTimeOffset Start, int Minutes, string Place, string? Facilitator);

/// <summary>
/// What a reminder template may show. Templates read it as <c>patient.first_name</c>, <c>practice.name</c>,
/// <c>practice.phone</c>, <c>appointment.start</c>, <c>appointment.place</c> and <c>session.topic</c>,
/// <c>session.date</c> (= <c>session.start</c>), <c>session.place</c>, <c>session.facilitator</c>,
/// <c>session.minutes</c>; times are shown in the patient's time zone.
/// </summary>
public sealed record TemplateModel
{
    /// <summary>Every value a template may name; the validator refuses any other.</summary>
    public static IReadOnlyList<string> Paths { get; } =
    [
        "patient.first_name", "practice.name", "practice.phone", "appointment.start", "appointment.place",
        "session.topic", "session.date", "session.start", "session.place", "session.facilitator", "session.minutes",
    ];

    /// <summary>The patient's first name.</summary>
    public string FirstName { get; init; } = "";

    /// <summary>The practice's name.</summary>
    public string PracticeName { get; init; } = "";

    /// <summary>The practice's phone number.</summary>
    public string PracticePhone { get; init; } = "";

    /// <summary>The appointment the reminder is about, if any.</summary>
    public DateTimeOffset? AppointmentStart { get; init; }

    /// <summary>Where the appointment is.</summary>
    public string AppointmentPlace { get; init; } = "";

    /// <summary>The group-visit session the message reinforces, if any.</summary>
    public SessionInfo? Session { get; init; }

    /// <summary>The zone times are shown in: the patient's, else the practice's.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Made-up values the validator renders every template with.</summary>
    public static TemplateModel Sample(PracticeSettings practice)
    {
        ArgumentNullException.ThrowIfNull(practice);
        var zone = practice.TimeZone;
        return new TemplateModel
        {
            FirstName = "Maria",
            PracticeName = practice.Name,
            PracticePhone = practice.Phone ?? "+1 312 555 0100",
            AppointmentStart = Local(zone, new DateTime(2026, 12, 1, 15, 30, 0, DateTimeKind.Unspecified)),
            AppointmentPlace = "Main clinic, room 2",
            Session = new SessionInfo("gv-sample", "Living well with diabetes", Local(zone, new DateTime(2026, 12, 8, 17, 30, 0, DateTimeKind.Unspecified)), 90, "Community room", "Diabetes care coordinator"),
            TimeZone = zone,
        };
    }

    /// <summary>The values as Liquid sees them: one mapping per section, times in the patient's zone.</summary>
    internal Dictionary<string, object?> Sections()
    {
        DateTimeOffset? InZone(DateTimeOffset? at) => at is { } value ? TimeZoneInfo.ConvertTime(value, TimeZone) : null;
        return new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["patient"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["first_name"] = FirstName },
            ["practice"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["name"] = PracticeName, ["phone"] = PracticePhone },
            ["appointment"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["start"] = InZone(AppointmentStart), ["place"] = AppointmentPlace },
            ["session"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["topic"] = Session?.Topic ?? "",
                ["date"] = InZone(Session?.Start),
                ["start"] = InZone(Session?.Start),
                ["place"] = Session?.Place ?? "",
                ["facilitator"] = Session?.Facilitator ?? "",
                ["minutes"] = Session?.Minutes ?? 0,
            },
        };
    }

    private static DateTimeOffset Local(TimeZoneInfo zone, DateTime local) => new(local, zone.GetUtcOffset(local));
}
