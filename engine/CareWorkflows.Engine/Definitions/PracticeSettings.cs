using CareWorkflows.Engine.Time;

namespace CareWorkflows.Engine.Definitions;

/// <summary>A practice's own settings (workflows/practices/&lt;id&gt;/practice.yaml): time zone, holidays, hours.</summary>
public sealed record PracticeSettings(string Id, string Name, TimeZoneInfo TimeZone, IReadOnlyList<DateOnly> Holidays, TimeOnly Opens, TimeOnly Closes)
{
    /// <summary>The practice's phone number, for messages.</summary>
    public string? Phone { get; init; }

    /// <summary>Languages the practice serves (ISO 639-1); the first is used for a patient whose language it does not serve.</summary>
    public IReadOnlyList<string> Languages { get; init; } = ["en"];

    /// <summary>
    /// HL7 v2 facility names (the namespace id or universal id of MSH-6, else of MSH-4) whose ADT messages are
    /// for this practice (practice.yaml <c>hl7: { facilities: [...] }</c>; docs/hl7-adt.md).
    /// </summary>
    public IReadOnlyList<string> Hl7Facilities { get; init; } = [];

    /// <summary>Where 'languages' is written, for the validator's template checks; null without practice.yaml.</summary>
    public SourceLocation? LanguagesAt { get; init; }

    /// <summary>Patient-local hours reminders may go out (quiet hours are the rest of the day); 08:00–20:00 unless set.</summary>
    public TimeOnly RemindFrom { get; init; } = new(8, 0);

    /// <summary>The end of the hours reminders may go out.</summary>
    public TimeOnly RemindUntil { get; init; } = new(20, 0);

    /// <summary>The role whose worklist is the call list: patients a reminder could not reach by message.</summary>
    public string CallListRole { get; init; } = "front-desk";

    /// <summary>The region phone numbers without a country code are read in (ISO 3166 code, e.g. US).</summary>
    public string PhoneRegion { get; init; } = "US";

    /// <summary>The language a patient's messages are written in: theirs if the practice serves it, else the practice's first.</summary>
    public string LanguageFor(string? patientLanguage) =>
        patientLanguage is { Length: > 0 } language && Languages.Contains(language, StringComparer.OrdinalIgnoreCase) ? language.ToLowerInvariant() : Languages[0];

    /// <summary>The calendar business days and dues are computed on.</summary>
    public PracticeCalendar Calendar => new(TimeZone, Holidays, Opens, Closes);

    /// <summary>Settings for a practice that has no practice.yaml: UTC, no holidays, 08:00–17:00.</summary>
    public static PracticeSettings Default(string id) => new(id, id, TimeZoneInfo.Utc, [], new TimeOnly(8, 0), new TimeOnly(17, 0));
}
