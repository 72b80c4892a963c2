using System.Net.Http.Json;
using System.Text.Json;
using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Reminders;

/// <summary>A ledger row as GET .../reminders answers it.</summary>
public sealed record ReminderView(string Id, string Key, string PatientId, string Template, string? Channel, string Language, string Status, int Attempts,
    DateTimeOffset SendAt, DateTimeOffset NotBefore, DateTimeOffset? SentAt, string? SentBy, string? Outcome, string? TaskId);

/// <summary>What reminder tests put in a careflow workspace, and the calls they make.</summary>
internal static class ReminderWorkspace
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>practice.yaml for a practice serving English and Spanish; reminders at any hour unless <paramref name="hours"/> says otherwise.</summary>
    public static void AddPractice(CareflowWorkspace workspace, string practice, string hours = "00:00-24:00")
    {
        var folder = Path.Join(workspace.Workflows, "practices", practice);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Join(folder, "practice.yaml"), $"""
            practice: {practice}
            name: Lakeside Family Medicine
            phone: "+1 312 555 0100"
            timezone: America/Chicago
            languages: [en, es]
            reminder-hours: "{hours}"
            call-list-role: front-desk
            """);
    }

    /// <summary>A settings file for careflow serve --config; returns its path.</summary>
    public static string WriteConfig(CareflowWorkspace workspace, object reminders)
    {
        var path = Path.Join(workspace.Root, "careflow.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object> { ["Reminders"] = reminders }));
        return path;
    }

    public static async Task PutContactAsync(this HttpClient client, string practice, string patient, object contact)
    {
        using var response = await client.PutAsJsonAsync(new Uri($"api/practices/{practice}/patients/{patient}/contact", UriKind.Relative), contact, Json);
        await CareflowApi.ReadAsync<JsonElement>(response, System.Net.HttpStatusCode.OK);
    }

    public static async Task<IReadOnlyList<ReminderView>> RemindersAsync(this HttpClient client, string practice, string query = "limit=5000")
    {
        using var response = await client.GetAsync(new Uri($"api/practices/{practice}/reminders?{query}", UriKind.Relative));
        return await CareflowApi.ReadAsync<List<ReminderView>>(response, System.Net.HttpStatusCode.OK);
    }

    /// <summary>An appointment starting within the minute: visit-reminder sends its reminder at once.</summary>
    public static EventPost Appointment(string id, string patient) => new()
    {
        Id = id,
        Type = "appointment.scheduled",
        Patient = patient,
        Data = new Dictionary<string, string>
        {
            ["start"] = TimeProvider.System.GetUtcNow().AddSeconds(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["place"] = "Lakeside clinic, room 2",
        },
    };

    public static EventPost Facts(string patient, params (string Name, string Value)[] facts) => new()
    {
        Id = $"facts-{patient}-{Guid.NewGuid():N}",
        Type = "patient.updated",
        Patient = patient,
        Data = facts.ToDictionary(f => f.Name, f => f.Value),
    };
}
