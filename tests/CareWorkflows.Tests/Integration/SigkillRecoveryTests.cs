using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Issue 3 (a): the real careflow process on a fresh SQLite file gets 2,000 events for 200 patients in batches of
/// 100, is killed with SIGKILL while a batch is in flight, restarts on the same file, and the client reposts every
/// batch it has no 200 for. Afterwards every expected task and reminder exists exactly once and no event failed.
/// Expectations are keyed by (the event that started the instance, step), read from the timeline's
/// instance.started rows, so they do not depend on how the engine spells its ids.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SigkillRecoveryTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "crash";
    private const int PatientCount = 200;
    private const int BatchSize = 100;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PostEvents_SigkillWhileBatchInFlightThenRepost_EveryTaskAndReminderExactlyOnce()
    {
        var t0 = CareflowApi.Now;
        var patients = Enumerable.Range(0, PatientCount).Select(i => new PatientPlan($"pt-{i:000}", t0)).ToList();
        // Round r carries event r of every patient, so each patient's events arrive in order across batches.
        var events = Enumerable.Range(0, PatientPlan.EventCount).SelectMany(round => patients.Select(p => p.Events[round])).ToList();
        var batches = events.Chunk(BatchSize).ToList();
        Assert.Equal(2000, events.Count);

        var clock = Stopwatch.StartNew();
        var careflow = await StartAsync();
        Output.WriteLine($"started in {clock.Elapsed.TotalSeconds:0.0} s");

        var acknowledged = new bool[batches.Count];
        var killAt = batches.Count / 2;
        var latencies = new List<double>();
        for (var i = 0; i < killAt; i++)
        {
            var watch = Stopwatch.StartNew();
            var answer = await careflow.Client.SubmitAsync(Practice, batches[i]);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(BatchSize, answer.Applied);
            acknowledged[i] = true;
        }

        // Post the next batch and, once its body is on the wire, kill the process a third of the way into the
        // quickest batch so far: most likely while the batch's transaction is open.
        var killDelay = TimeSpan.FromMilliseconds(latencies.Skip(1).DefaultIfEmpty(latencies[0]).Min() / 3);
        using var body = new SentSignallingContent(JsonSerializer.SerializeToUtf8Bytes(batches[killAt], CareflowApi.Json));
        var inFlight = careflow.Client.PostAsync(new Uri($"api/practices/{Practice}/events", UriKind.Relative), body);
        await body.Sent.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(killDelay);
        careflow.Kill();
        try
        {
            using var response = await inFlight;
            acknowledged[killAt] = response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            // The connection died with the process: the client cannot know whether the batch was applied.
        }
        catch (TaskCanceledException)
        {
            // As above.
        }

        Output.WriteLine($"killed {killDelay.TotalMilliseconds:0} ms into batch {killAt} at {clock.Elapsed.TotalSeconds:0.0} s; "
            + $"batch latencies {string.Join(", ", latencies.Select(l => l.ToString("0", CultureInfo.InvariantCulture)))} ms; in-flight batch acknowledged: {acknowledged[killAt]}");

        careflow = await StartAsync();
        Output.WriteLine($"restarted at {clock.Elapsed.TotalSeconds:0.0} s");
        for (var i = killAt; i < batches.Count; i++)
        {
            if (acknowledged[i])
            {
                continue;
            }

            var answer = await careflow.Client.SubmitAsync(Practice, batches[i]);
            if (i == killAt)
            {
                // One transaction per post: the batch the kill interrupted was applied whole or not at all.
                Output.WriteLine($"reposted batch {i}: {answer.Applied} applied, {answer.Duplicates} duplicates");
                Assert.True(answer.Duplicates is 0 or BatchSize, $"the interrupted batch was half applied: {answer.Applied} applied, {answer.Duplicates} duplicates");
            }
            else
            {
                Assert.Equal(BatchSize, answer.Applied);
            }

            acknowledged[i] = true;
        }

        Output.WriteLine($"all batches acknowledged at {clock.Elapsed.TotalSeconds:0.0} s");

        // Timers (overdue contacts, reminders due during the outage) fire on the sweeper: wait for their effects.
        var database = new CareflowDatabase(Workspace.Database);
        await CareflowApi.PollAsync(
            async () => (Reminders: await database.CountAsync("SELECT COUNT(*) FROM reminders"), Escalations: await database.CountAsync("SELECT COUNT(*) FROM tasks WHERE Kind = 'escalation'")),
            counts => counts.Reminders >= PatientCount * PatientPlan.RemindersPerPatient && counts.Escalations >= PatientCount,
            SettleTimeout,
            "every reminder sent and every overdue contact escalated");
        Output.WriteLine($"settled at {clock.Elapsed.TotalSeconds:0.0} s");

        var expected = patients.SelectMany(p => p.Instances).ToDictionary(i => i.StartEvent, StringComparer.Ordinal);
        await AssertInboxAsync(database, events);
        var instances = await AssertInstancesAsync(database, expected);
        await AssertTasksAsync(database, expected, instances);
        await AssertRemindersAndTimersAsync(database, expected, instances);
        await AssertTimelineAsync(database);

        // The API tells the same story.
        var tasks = (await careflow.Client.TasksAsync(Practice)).Where(t => t.WorkflowId != "reminders").ToList();
        Assert.Equal(expected.Values.Sum(i => i.Tasks.Count), tasks.Count);
        Assert.Equal(tasks.Count, tasks.Select(t => t.Id).Distinct().Count());
        using var failed = await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/inbox/failed", UriKind.Relative));
        Assert.Equal("[]", await failed.Content.ReadAsStringAsync());
        Output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
    }


    private static async Task AssertInboxAsync(CareflowDatabase database, List<EventPost> events)
    {
        var rows = await database.RowsAsync($"SELECT EventId, Status, Error FROM inbox WHERE PracticeId = '{Practice}' AND Type NOT IN ('timer.fired', 'reminder.undeliverable')");
        Assert.Equal(events.Count, rows.Count);
        Assert.Equal(events.Select(e => e.Id).Order(StringComparer.Ordinal), rows.Select(r => r[0]!).Order(StringComparer.Ordinal));
        var notDone = rows.Where(r => r[1] != "done").Select(r => $"{r[0]} {r[1]} {r[2]}").ToList();
        Assert.True(notDone.Count == 0, $"inbox events not applied: {string.Join("; ", notDone.Take(10))}");

        var timerRows = await database.RowsAsync($"SELECT EventId, Status, Error FROM inbox WHERE PracticeId = '{Practice}' AND Type = 'timer.fired' AND Status <> 'done'");
        Assert.True(timerRows.Count == 0, $"timer events not applied: {string.Join("; ", timerRows.Take(10).Select(r => $"{r[0]} {r[1]} {r[2]}"))}");
    }

    /// <summary>Each start event started exactly its one instance, now in the expected state; answers instance id to start event.</summary>
    private static async Task<Dictionary<string, string>> AssertInstancesAsync(CareflowDatabase database, Dictionary<string, ExpectedInstance> expected)
    {
        var started = await database.RowsAsync($"SELECT EventId, InstanceId, COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'instance.started' GROUP BY EventId, InstanceId");
        var startedTwice = started.Where(r => r[2] != "1").Select(r => r[0]).ToList();
        Assert.True(startedTwice.Count == 0, $"instances started twice: {string.Join(", ", startedTwice.Take(10))}");
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), started.Select(r => r[0]!).Order(StringComparer.Ordinal));
        var startEventOf = started.ToDictionary(r => r[1]!, r => r[0]!, StringComparer.Ordinal);

        var rows = await database.RowsAsync($"SELECT Id, WorkflowId, Status, StepId FROM instances WHERE PracticeId = '{Practice}'");
        Assert.Equal(expected.Count, rows.Count);
        var wrong = rows
            .Select(r => (Event: startEventOf.GetValueOrDefault(r[0]!, $"(no instance.started for {r[0]})"), Actual: (r[1], r[2], r[3])))
            .Where(r => !expected.TryGetValue(r.Event, out var e) || r.Actual != (e.Workflow, e.Status, e.Step))
            .Select(r => $"{r.Event}: {r.Actual}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} instances in an unexpected state, e.g. {string.Join("; ", wrong.Take(10))}");
        return startEventOf;
    }

    private static async Task AssertTasksAsync(CareflowDatabase database, Dictionary<string, ExpectedInstance> expected, Dictionary<string, string> startEventOf)
    {
        // The delivery worker's call-list tasks (these patients have no contact details) are the reminder tests' concern.
        var rows = await database.RowsAsync($"SELECT InstanceId, StepId, COUNT(*), MIN(Kind), MIN(Status), MIN(Overdue), MIN(Outcome) FROM tasks WHERE PracticeId = '{Practice}' AND WorkflowId <> 'reminders' GROUP BY InstanceId, StepId");
        var actual = rows.ToDictionary(
            r => $"{startEventOf.GetValueOrDefault(r[0]!, r[0]!)} {r[1]}",
            r => new ExpectedTask(r[1]!, r[3]!, r[4]!, r[5] == "1", r[6]) { Count = int.Parse(r[2]!, CultureInfo.InvariantCulture) },
            StringComparer.Ordinal);
        var wanted = expected.Values.SelectMany(i => i.Tasks.Select(t => (Key: $"{i.StartEvent} {t.Step}", Task: t))).ToDictionary(t => t.Key, t => t.Task, StringComparer.Ordinal);

        var unexpected = actual.Keys.Except(wanted.Keys).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected tasks, e.g. {string.Join("; ", unexpected.Take(10))}");
        var missing = wanted.Keys.Except(actual.Keys).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} expected tasks missing, e.g. {string.Join("; ", missing.Take(10))}");
        var wrong = wanted.Where(w => actual[w.Key] != w.Value).Select(w => $"{w.Key}: {actual[w.Key]}, expected {w.Value}").ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} tasks duplicated or in the wrong state, e.g. {string.Join("; ", wrong.Take(10))}");
    }

    private static async Task AssertRemindersAndTimersAsync(CareflowDatabase database, Dictionary<string, ExpectedInstance> expected, Dictionary<string, string> startEventOf)
    {
        var reminders = await database.RowsAsync($"SELECT InstanceId, StepId, COUNT(*) FROM reminders WHERE PracticeId = '{Practice}' GROUP BY InstanceId, StepId");
        Assert.All(reminders, r => Assert.True(r[2] == "1", $"reminder {r[1]} of {startEventOf.GetValueOrDefault(r[0]!)} stored {r[2]} times"));
        Assert.Equal(
            expected.Values.Where(i => i.Reminded).Select(i => $"{i.StartEvent} remind").Order(StringComparer.Ordinal),
            reminders.Select(r => $"{startEventOf.GetValueOrDefault(r[0]!, r[0]!)} {r[1]}").Order(StringComparer.Ordinal));

        // The far-away appointment's reminder waits on exactly one pending timer.
        var pending = await database.RowsAsync($"SELECT InstanceId, COUNT(*) FROM timers WHERE PracticeId = '{Practice}' AND Status = 'pending' AND Id LIKE '%/send' GROUP BY InstanceId");
        Assert.All(pending, r => Assert.Equal("1", r[1]));
        Assert.Equal(
            expected.Values.Where(i => i.WaitsToRemind).Select(i => i.StartEvent).Order(StringComparer.Ordinal),
            pending.Select(r => startEventOf.GetValueOrDefault(r[0]!, r[0]!)).Order(StringComparer.Ordinal));
    }

    private static async Task AssertTimelineAsync(CareflowDatabase database)
    {
        // The timeline is appended on every application, so an event or a timer applied twice would show here.
        var created = await database.RowsAsync($"SELECT TaskId, COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type IN ('task.created', 'escalation.created') AND COALESCE(Workflow, '') <> 'reminders' GROUP BY TaskId");
        var createdTwice = created.Where(r => r[1] != "1").Select(r => r[0]).ToList();
        Assert.True(createdTwice.Count == 0, $"tasks created more than once: {string.Join(", ", createdTwice.Take(10))}");
        Assert.Equal(PatientCount * PatientPlan.TasksPerPatient, created.Count);

        var sent = await database.RowsAsync($"SELECT InstanceId, Step, COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'reminder.sent' GROUP BY InstanceId, Step");
        Assert.True(sent.All(r => r[2] == "1"), $"reminders sent more than once: {string.Join(", ", sent.Where(r => r[2] != "1").Take(10).Select(r => r[0]))}");
        Assert.Equal(PatientCount * PatientPlan.RemindersPerPatient, sent.Count);

        Assert.Equal(PatientCount, await database.CountAsync($"SELECT COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'task.overdue'"));
        Assert.Equal(PatientCount * 3, await database.CountAsync($"SELECT COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'task.completed'"));
    }

    /// <summary>A JSON request body that says when it has been written to the connection.</summary>
    private sealed class SentSignallingContent : HttpContent
    {
        private readonly byte[] _json;
        private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SentSignallingContent(byte[] json)
        {
            _json = json;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        public Task Sent => _sent.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_json);
            await stream.FlushAsync();
            _sent.TrySetResult();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _json.Length;
            return true;
        }
    }
}
