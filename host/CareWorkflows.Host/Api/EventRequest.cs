using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Host.Api;

/// <summary>An event as clients post it.</summary>
internal sealed record EventRequest
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public string? Patient { get; init; }
    public string? At { get; init; }
    public Dictionary<string, JsonElement>? Data { get; init; }
    public string? TaskId { get; init; }
    public string? Step { get; init; }
    public string? Outcome { get; init; }
    public int? Minutes { get; init; }
    public string? Note { get; init; }
    public string? By { get; init; }
}

/// <summary>Checks posted events and turns them into engine events; every problem names its field.</summary>
internal static class EventRequests
{
    public const int MaxBatch = 1000;
    private const int MaxIdLength = 200;

    /// <summary>Reads one event object or an array of them.</summary>
    public static (List<EventRequest> Requests, Dictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var elements = body.ValueKind switch
        {
            JsonValueKind.Array => body.EnumerateArray().ToList(),
            JsonValueKind.Object => [body],
            _ => [],
        };
        if (elements.Count == 0)
        {
            errors["body"] = ["Send one event as a JSON object, or a batch as a non-empty JSON array of them."];
        }
        else if (elements.Count > MaxBatch)
        {
            errors["body"] = [$"A batch holds at most {MaxBatch} events; this one has {elements.Count}. Split it."];
        }

        var requests = new List<EventRequest>();
        for (var i = 0; i < elements.Count && errors.Count == 0; i++)
        {
            try
            {
                requests.Add(elements[i].Deserialize<EventRequest>(JsonSerializerOptions.Web) ?? new EventRequest());
            }
            catch (JsonException ex)
            {
                errors[Field(body, i, ex.Path ?? "")] = [$"Not the expected shape: {ex.Message}"];
            }
        }

        return (requests, errors);
    }

    /// <summary>Validates requests against the catalog; returns engine events or the errors by field.</summary>
    public static (List<WorkflowEvent> Events, Dictionary<string, string[]> Errors) ToEvents(
        IReadOnlyList<EventRequest> requests, bool batch, string practiceId, DefinitionSet definitions, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var events = new List<WorkflowEvent>();
        var calendar = definitions.Practice(practiceId).Calendar;
        for (var i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            var errorsBefore = errors.Count;
            var prefix = batch ? $"[{i}]." : "";
            void Fail(string field, string message) => errors[prefix + field] = [message];

            if (string.IsNullOrWhiteSpace(r.Id) || r.Id.Length > MaxIdLength)
            {
                Fail("id", $"Give every event a unique id of 1 to {MaxIdLength} characters; a resend with the same id is recognised and not applied twice.");
            }

            if (string.IsNullOrWhiteSpace(r.Patient) || r.Patient.Length > MaxIdLength)
            {
                Fail("patient", "Name the patient by the practice's patient id (never a name or MRN).");
            }

            if (string.IsNullOrWhiteSpace(r.Type))
            {
                Fail("type", "Give the event type, e.g. patient.discharged.");
            }
            else if (r.Type == WorkflowEvent.TimerFired || (!definitions.Catalog.Events.ContainsKey(r.Type) && r.Type != WorkflowEvent.TaskCompleted))
            {
                var known = definitions.Catalog.Events.Keys.Where(k => k != WorkflowEvent.TimerFired);
                Fail("type", $"Unknown event type '{r.Type}'.{Suggestions.DidYouMean(r.Type, known)} Event types are declared in workflows/catalog.yaml.");
            }

            if (r.Type == WorkflowEvent.TaskCompleted && string.IsNullOrWhiteSpace(r.TaskId) && string.IsNullOrWhiteSpace(r.Step))
            {
                Fail("taskId", "A task.completed event names the task (taskId) or the step (step).");
            }

            if (r.Minutes is < 0 or > 24 * 60)
            {
                Fail("minutes", "Minutes of staff time must be between 0 and 1440.");
            }

            var at = r.At is null ? now : ParseAt(r.At, calendar);
            if (at is null)
            {
                Fail("at", $"'{r.At}' is not a time. Use ISO 8601, e.g. 2026-12-24T15:00:00-06:00 (without an offset it is practice-local).");
            }

            var data = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in r.Data ?? [])
            {
                if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    Fail($"data.{key}", "Event data values are single values (text, number, true/false).");
                    continue;
                }

                data[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
            }

            if (errors.Count > errorsBefore)
            {
                continue;
            }

            events.Add(new WorkflowEvent
            {
                EventId = r.Id!,
                PracticeId = practiceId,
                PatientId = r.Patient!,
                Type = r.Type!,
                At = at!.Value,
                Data = data,
                TaskId = r.TaskId,
                Step = r.Step,
                Outcome = r.Outcome,
                Minutes = r.Minutes,
                Note = r.Note,
                By = r.By,
            });
        }

        return (events, errors);
    }

    public static DateTimeOffset? ParseAt(string text, Engine.Time.PracticeCalendar calendar)
    {
        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return calendar.AtLocalTime(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant : null;
    }

    /// <summary>A time a request gives (now when it gives none); an error under <paramref name="field"/> when it is not a time.</summary>
    public static DateTimeOffset ParseAtOrNow(string? text, string field, Engine.Time.PracticeCalendar calendar, TimeProvider time, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return time.GetUtcNow();
        }

        if (ParseAt(text, calendar) is { } at)
        {
            return at;
        }

        errors[field] = [$"'{text}' is not a time. Use ISO 8601, e.g. 2026-11-03T10:15:00 (practice-local without an offset)."];
        return default;
    }

    private static string Field(JsonElement body, int index, string path) =>
        body.ValueKind == JsonValueKind.Array ? $"[{index}]{path.TrimStart('$')}" : path.TrimStart('$').TrimStart('.');
}
