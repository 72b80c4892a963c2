using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>Reads practice.yaml.</summary>
internal static class PracticeReader
{
    public const string FileName = "practice.yaml";

    private static readonly string[] Keys = ["practice", "name", "phone", "timezone", "holidays", "opens", "closes", "languages", "hl7", "reminder-hours", "call-list-role", "phone-region"];
    private static readonly string[] Hl7Keys = ["facilities"];

    /// <summary>Reads one practice.yaml; <paramref name="facilityOwners"/> holds the HL7 facilities of the practices read before (this one's are added).</summary>
    public static PracticeSettings? Read(YamlNode root, SourceFile file, string folderId, Catalog catalog, IDictionary<string, string> facilityOwners)
    {
        if (root is not YamlMappingNode mapping)
        {
            file.Add(ErrorCodes.WrongShape, root, "practice.yaml must be a mapping with practice, name, timezone, holidays, opens and closes.");
            return null;
        }

        var errorsBefore = file.Diagnostics.Errors.Count;
        var map = new MappingReader(mapping, file, "the practice", Keys);
        var id = map.Id("practice", example: folderId);
        if (id is not null && id != folderId)
        {
            file.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("practice"), $"the practice id '{id}' differs from its folder '{folderId}'. Make them the same.");
        }

        var zone = Zone(map, required: true);
        var holidays = Holidays(map);
        var (opens, closes) = Hours(map);
        var facilities = map.Mapping("hl7") is { } hl7
            ? new MappingReader(hl7, file, "the practice's hl7 settings", Hl7Keys).TextList("facilities", required: true)
            : [];
        foreach (var (facility, at) in facilities)
        {
            if (!facilityOwners.TryAdd(facility, folderId) && facilityOwners[facility] != folderId)
            {
                file.Diagnostics.Add(ErrorCodes.FacilityOfTwoPractices, at,
                    $"the HL7 facility '{facility}' is already named by practice '{facilityOwners[facility]}', so its ADT messages would match two practices. "
                    + "Name each facility in one practice.yaml only (the one whose patients its messages are about).");
            }
        }

        var (remindFrom, remindUntil) = ReminderHours(map);
        var callListRole = map.Id("call-list-role", required: false);
        if (callListRole is not null && catalog.Roles.Count > 0 && !catalog.Roles.ContainsKey(callListRole))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownRole, map.ValueAt("call-list-role"),
                $"unknown role '{callListRole}' for the call list.{Suggestions.DidYouMean(callListRole, catalog.Roles.Keys)} Roles are declared in catalog.yaml.");
        }

        var region = map.Text("phone-region");
        if (region is not null && (region.Length != 2 || !region.All(char.IsAsciiLetterUpper)))
        {
            file.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("phone-region"), $"'{region}' is not a region code. Write the two capital letters of ISO 3166, e.g. US.");
        }

        if (file.Diagnostics.Errors.Count > errorsBefore || id is null || zone is null)
        {
            return null;
        }

        var languages = map.TextList("languages").Select(l => l.Value).ToList();
        return new PracticeSettings(id, map.Text("name") ?? id, zone, holidays, opens, closes)
        {
            Phone = map.Text("phone"),
            Languages = languages.Count > 0 ? languages : ["en"],
            Hl7Facilities = [.. facilities.Select(f => f.Value)],
            LanguagesAt = map.Has("languages") ? map.ValueAt("languages") : map.At,
            RemindFrom = remindFrom,
            RemindUntil = remindUntil,
            CallListRole = callListRole ?? "front-desk",
            PhoneRegion = region ?? "US",
        };
    }

    /// <summary>The practice's time zone from 'timezone' (UTC when optional and absent); null with the problem reported.</summary>
    public static TimeZoneInfo? Zone(MappingReader map, bool required)
    {
        var zoneName = map.Text("timezone", required, example: "America/Chicago") ?? (required ? null : "UTC");
        if (zoneName is null)
        {
            return null;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone))
        {
            map.File.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("timezone"), $"unknown time zone '{zoneName}'. Use an IANA name such as America/Chicago or America/New_York.");
        }

        return zone;
    }

    /// <summary>The 'holidays' list as dates; each bad date reported where it is written.</summary>
    public static List<DateOnly> Holidays(MappingReader map)
    {
        var holidays = new List<DateOnly>();
        foreach (var (text, at) in map.TextList("holidays"))
        {
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                holidays.Add(day);
            }
            else
            {
                map.File.Diagnostics.Add(ErrorCodes.InvalidValue, at, $"'{text}' is not a date. Write holidays as YYYY-MM-DD, e.g. 2026-12-25.");
            }
        }

        return holidays;
    }

    /// <summary>Working hours from 'opens' and 'closes' (08:00–17:00 when absent); closing before opening is reported.</summary>
    public static (TimeOnly Opens, TimeOnly Closes) Hours(MappingReader map)
    {
        var opens = Time(map, "opens", new TimeOnly(8, 0));
        var closes = Time(map, "closes", new TimeOnly(17, 0));
        if (closes > opens)
        {
            return (opens, closes);
        }

        map.File.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("closes"), $"the practice closes ({closes:HH\\:mm}) before it opens ({opens:HH\\:mm}). Fix 'opens' or 'closes'.");
        return (new TimeOnly(8, 0), new TimeOnly(17, 0));
    }

    /// <summary>'reminder-hours: "08:00-20:00"', patient-local; reminders due outside wait for the next opening.</summary>
    private static (TimeOnly From, TimeOnly Until) ReminderHours(MappingReader map)
    {
        var text = map.Text("reminder-hours");
        var defaults = (new TimeOnly(8, 0), new TimeOnly(20, 0));
        if (text is null)
        {
            return defaults;
        }

        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && Clock(parts[0], out var from) && Clock(parts[1], out var until) && until > from)
        {
            return (from, until);
        }

        map.File.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("reminder-hours"),
            $"'{text}' is not a span of hours. Write the patient-local hours reminders may go out as \"HH:mm-HH:mm\", e.g. \"08:00-20:00\" (\"00:00-24:00\" for any time), the first before the second.");
        return defaults;
    }

    // 24:00 is the end of the day: "00:00-24:00" allows any hour.
    private static bool Clock(string text, out TimeOnly time)
    {
        if (text == "24:00")
        {
            time = TimeOnly.MaxValue;
            return true;
        }

        return TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
    }

    private static TimeOnly Time(MappingReader map, string key, TimeOnly fallback)
    {
        var text = map.Text(key);
        if (text is null)
        {
            return fallback;
        }

        if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        map.File.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt(key), $"'{text}' is not a time of day. Write it as HH:mm, e.g. \"08:00\".");
        return fallback;
    }
}
