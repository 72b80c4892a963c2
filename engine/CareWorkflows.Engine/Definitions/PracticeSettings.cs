using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Definitions;

/// <summary>A practice's own settings (workflows/practices/&lt;id&gt;/practice.yaml): time zone, holidays, hours.</summary>
public sealed record PracticeSettings(string Id, string Name, TimeZoneInfo TimeZone, IReadOnlyList<DateOnly> Holidays, TimeOnly Opens, TimeOnly Closes)
{
    /// <summary>The practice's phone number, for messages.</summary>
    public string? Phone { get; init; }

    /// <summary>Languages the practice serves (ISO 639-1).</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    /// <summary>
    /// HL7 v2 facility names (the namespace id or universal id of MSH-6, else of MSH-4) whose ADT messages are
    /// for this practice (practice.yaml <c>hl7: { facilities: [...] }</c>; docs/hl7-adt.md).
    /// </summary>
    public IReadOnlyList<string> Hl7Facilities { get; init; } = [];

    /// <summary>The calendar business days and dues are computed on.</summary>
    public PracticeCalendar Calendar => new(TimeZone, Holidays, Opens, Closes);

    /// <summary>Settings for a practice that has no practice.yaml: UTC, no holidays, 08:00–17:00.</summary>
    public static PracticeSettings Default(string id) => new(id, id, TimeZoneInfo.Utc, [], new TimeOnly(8, 0), new TimeOnly(17, 0));
}
