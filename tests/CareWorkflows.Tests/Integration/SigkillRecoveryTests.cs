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
        await PatientPlanChecks.AllAsync(database, Practice, events, expected, PatientCount);

        // The API tells the same story.
        var tasks = (await careflow.Client.TasksAsync(Practice)).Where(t => t.WorkflowId != "reminders").ToList();
        Assert.Equal(expected.Values.Sum(i => i.Tasks.Count), tasks.Count);
        Assert.Equal(tasks.Count, tasks.Select(t => t.Id).Distinct().Count());
        using var failed = await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/inbox/failed", UriKind.Relative));
        Assert.Equal("[]", await failed.Content.ReadAsStringAsync());
        Output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
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
