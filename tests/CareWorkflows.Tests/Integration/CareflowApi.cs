using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CareWorkflows.Tests.Integration;

/// <summary>An event as a client posts it to POST /api/practices/{p}/events.</summary>
public sealed record EventPost
{
    public required string Id { get; init; }
    public string? Type { get; init; }
    public string? Patient { get; init; }
    public string? At { get; init; }
    public IReadOnlyDictionary<string, string>? Data { get; init; }
    public string? TaskId { get; init; }
    public string? Step { get; init; }
    public string? Outcome { get; init; }
    public int? Minutes { get; init; }
    public string? By { get; init; }
}

public sealed record SubmitAnswer(int Applied, int Duplicates, int Failed, IReadOnlyList<SubmitResult> Results);

public sealed record SubmitResult(string EventId, string Status, string? Error, IReadOnlyList<string> TasksCreated);

public sealed record TaskView(
    string Id, string PatientId, string InstanceId, string WorkflowId, string StepId, int Attempt, string Kind, string Role,
    DateTimeOffset CreatedAt, DateTimeOffset? DueAt, string Status, bool Overdue, IReadOnlyList<string> Outcomes, string? Outcome,
    int? Minutes, string? Note, string? Assignee, string? Reason);

public sealed record TimelineView(DateTimeOffset At, string Type, string? Workflow, int? Version, string? Step, string? Role, string? Outcome, string? InstanceId, string? TaskId, string? Reason, string? Detail);

public sealed record InstanceView(string Id, string Workflow, int Version, string Status, string Step);

public sealed record PatientView(string Id, IReadOnlyDictionary<string, string> Facts, IReadOnlyList<InstanceView> Instances);

public sealed record DefinitionView(string Id, int Version, string Title, string StartsOn, int Steps);

public sealed record DefinitionsView(IReadOnlyList<DefinitionView> Workflows, IReadOnlyList<string> KnownVersions, string Validation, IReadOnlyList<string> LastEditProblems);

public sealed record HealthView(string Status, int Workflows, int OpenTasks, int PendingTimers, int RunningInstances);

public sealed record ProblemView(string? Title, int Status, IReadOnlyDictionary<string, string[]>? Errors);

/// <summary>Typed calls to the careflow API, and polling with a deadline.</summary>
public static class CareflowApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>An instant as the API takes it: ISO 8601 with offset.</summary>
    public static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public static Task<HttpResponseMessage> PostEventsAsync(this HttpClient client, string practice, IReadOnlyList<EventPost> events) =>
        client.PostAsJsonAsync(new Uri($"api/practices/{practice}/events", UriKind.Relative), events, Json);

    public static Task<HttpResponseMessage> PostEventAsync(this HttpClient client, string practice, EventPost @event) =>
        client.PostAsJsonAsync(new Uri($"api/practices/{practice}/events", UriKind.Relative), @event, Json);

    /// <summary>Posts events and expects 200 with no failed event.</summary>
    public static async Task<SubmitAnswer> SubmitAsync(this HttpClient client, string practice, params EventPost[] events)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = events.Length == 1 ? await client.PostEventAsync(practice, events[0]) : await client.PostEventsAsync(practice, events);
        var answer = await ReadAsync<SubmitAnswer>(response, HttpStatusCode.OK);
        Assert.True(answer.Failed == 0, $"failed events: {string.Join("; ", answer.Results.Where(r => r.Status == "failed").Select(r => $"{r.EventId}: {r.Error}"))}");
        return answer;
    }

    /// <summary>
    /// Posts one event that starts no workflow (a patient.updated for a patient of its own), so that the first
    /// timed post does not pay for the process's first-request warm-up.
    /// </summary>
    public static async Task WarmUpAsync(this HttpClient client, string practice) =>
        await client.SubmitAsync(practice, new EventPost
        {
            Id = "warm-up-" + Guid.NewGuid().ToString("N"),
            Type = "patient.updated",
            Patient = "pt-warm-up",
            Data = new Dictionary<string, string> { ["language"] = "en" },
        });

    public static async Task<IReadOnlyList<TaskView>> TasksAsync(this HttpClient client, string practice, string query = "status=all&limit=5000")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri($"api/practices/{practice}/tasks?{query}", UriKind.Relative));
        return await ReadAsync<List<TaskView>>(response, HttpStatusCode.OK);
    }

    public static async Task<IReadOnlyList<TimelineView>> TimelineAsync(this HttpClient client, string practice, string patient)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri($"api/practices/{practice}/patients/{patient}/timeline", UriKind.Relative));
        return await ReadAsync<List<TimelineView>>(response, HttpStatusCode.OK);
    }

    public static async Task<PatientView> PatientAsync(this HttpClient client, string practice, string patient)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri($"api/practices/{practice}/patients/{patient}", UriKind.Relative));
        return await ReadAsync<PatientView>(response, HttpStatusCode.OK);
    }

    public static async Task<DefinitionsView> DefinitionsAsync(this HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.GetAsync(new Uri("api/definitions", UriKind.Relative));
        return await ReadAsync<DefinitionsView>(response, HttpStatusCode.OK);
    }

    /// <summary>Reads the body as <typeparamref name="T"/> after checking the status; the body is in the failure message.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"empty answer: {body}");
    }

    /// <summary>
    /// Asks <paramref name="probe"/> until <paramref name="done"/> holds or the deadline passes; fails with
    /// <paramref name="what"/> and the last value seen. Returns the value that satisfied it.
    /// </summary>
    public static async Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, Func<T, string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"Not true within {timeout.TotalSeconds:0.#} s: {what}. Last seen: {(describe is null ? value?.ToString() : describe(value))}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs <paramref name="check"/> again and again for <paramref name="period"/>: what it asserts holds all that time.</summary>
    public static async Task HoldsForAsync(Func<Task> check, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(check);
        var clock = Stopwatch.StartNew();
        do
        {
            await check();
            await Task.Delay(200);
        }
        while (clock.Elapsed < period);
        await check();
    }
}
