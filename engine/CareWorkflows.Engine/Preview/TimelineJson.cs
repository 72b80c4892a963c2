using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Preview;

/// <summary>Writes timeline entries as the preview's JSON lines: one object a line, times with the practice's offset.</summary>
public static class TimelineJson
{
    /// <summary>The fields of one entry, in a stable order, without the empty ones.</summary>
    public static IReadOnlyList<KeyValuePair<string, object>> Fields(TimelineEntry entry, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var fields = new List<KeyValuePair<string, object>>
        {
            new("at", Format(entry.At, zone)),
            new("type", entry.Type),
            new("patient", entry.PatientId),
        };
        Add(fields, "workflow", entry.Workflow);
        if (entry.Version is { } version)
        {
            fields.Add(new("version", version));
        }

        Add(fields, "step", entry.Step);
        Add(fields, "role", entry.Role);
        Add(fields, "due", entry.Due is { } due ? Format(due, zone) : null);
        Add(fields, "outcome", entry.Outcome);
        Add(fields, "reason", entry.Reason);
        Add(fields, "detail", entry.Detail);
        Add(fields, "channel", entry.Channel);
        Add(fields, "language", entry.Language);
        return fields;
    }

    /// <summary>One JSON object on one line.</summary>
    public static string Line(TimelineEntry entry, TimeZoneInfo zone)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Fields(entry, zone))
            {
                if (value is int number)
                {
                    writer.WriteNumber(name, number);
                }
                else
                {
                    writer.WriteString(name, (string)value);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>ISO 8601 with the practice's offset, e.g. 2026-12-24T15:00:00-06:00.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static void Add(List<KeyValuePair<string, object>> fields, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            fields.Add(new(name, value));
        }
    }
}
