using System.Diagnostics;
using System.Net;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Postgres;

/// <summary>
/// Issue 9: PostgreSQL stops for 30 s (pg_ctl stop -m fast) while events keep arriving at a careflow node. Every post
/// meanwhile is answered 503 with a problem saying the store is unavailable and a Retry-After, never 200, and the
/// health endpoint says the database is down. Once PostgreSQL is back on the same folder and port, the client sends
/// what it has no 200 for, and every expected task and reminder exists exactly once (the timers that fell due during
/// the outage fire once, late). The test runs a server of its own, since it stops it.
/// </summary>
[Collection(PostgresServerGroup.Name)]
[Trait("Category", "PostgreSQL")]
public sealed class StoreOutageTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "outage";
    private const int PatientCount = 40;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task PostEvents_PostgresStopped30Seconds_503WithRetryAfterThenBacklogAppliedOnce()
    {
        var server = await PostgresServer.StartAsync();
        try
        {
            await RunAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private async Task RunAsync(PostgresServer server)
    {
        var database = await server.CreateDatabaseAsync("outage");
        var t0 = CareflowApi.Now;
        var patients = Enumerable.Range(0, PatientCount).Select(i => new PatientPlan($"pt-{i:00}", t0)).ToList();
        // Batch r carries event r of every patient, so each patient's events arrive in order.
        var batches = Enumerable.Range(0, PatientPlan.EventCount).Select(round => patients.Select(p => p.Events[round]).ToArray()).ToList();
        var careflow = await StartAsync("--postgres", database);
        var clock = Stopwatch.StartNew();

        const int beforeOutage = 3;
        for (var i = 0; i < beforeOutage; i++)
        {
            Assert.Equal(PatientCount, (await careflow.Client.SubmitAsync(Practice, batches[i])).Applied);
        }

        await server.StopAsync();
        var stopped = clock.Elapsed;
        Output.WriteLine($"PostgreSQL stopped at {stopped.TotalSeconds:0.0} s");
        using (var health = await careflow.Client.GetAsync(new Uri("api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("The store is unavailable.", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Events keep arriving for the whole outage: each post is refused, whole, with a reason and when to retry.
        var refused = 0;
        while (clock.Elapsed - stopped < Outage)
        {
            foreach (var batch in batches.Skip(beforeOutage))
            {
                using var response = await careflow.Client.PostEventsAsync(Practice, batch);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"during the outage a post was answered {(int)response.StatusCode}: {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.Contains("The store is unavailable.", body, StringComparison.Ordinal);
                Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: > 0 }, "a 503 carries Retry-After");
                refused++;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        await server.StartAgainAsync();
        Output.WriteLine($"{refused} posts answered 503; PostgreSQL started again at {clock.Elapsed.TotalSeconds:0.0} s");

        // The client sends again what it has no 200 for, as Retry-After says.
        foreach (var batch in batches.Skip(beforeOutage))
        {
            var answer = await CareflowApi.PollAsync(
                async () =>
                {
                    using var response = await careflow.Client.PostEventsAsync(Practice, batch);
                    if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                        return null;
                    }

                    return await CareflowApi.ReadAsync<SubmitAnswer>(response, HttpStatusCode.OK);
                },
                answer => answer is not null,
                RecoveryTimeout,
                "the node takes events again once PostgreSQL is back");
            Assert.Equal(PatientCount, answer!.Applied);
        }

        Output.WriteLine($"backlog applied at {clock.Elapsed.TotalSeconds:0.0} s");
        var rows = new PostgresRows(database);
        await CareflowApi.PollAsync(
            async () => (Reminders: await rows.CountAsync($"""SELECT COUNT(*) FROM "reminders" WHERE "PracticeId" = '{Practice}' """),
                Escalations: await rows.CountAsync($"""SELECT COUNT(*) FROM "tasks" WHERE "PracticeId" = '{Practice}' AND "Kind" = 'escalation' """)),
            counts => counts.Reminders >= PatientCount * PatientPlan.RemindersPerPatient && counts.Escalations >= PatientCount,
            RecoveryTimeout,
            "the timers that fell due during the outage fired");
        using (var health = await careflow.Client.GetAsync(new Uri("api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var expected = patients.SelectMany(p => p.Instances).ToDictionary(i => i.StartEvent, StringComparer.Ordinal);
        await PatientPlanChecks.AllAsync(rows, Practice, [.. batches.SelectMany(b => b)], expected, PatientCount);
        Output.WriteLine($"done at {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
