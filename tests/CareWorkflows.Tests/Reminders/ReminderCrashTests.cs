using System.Globalization;
using System.Net.Http.Json;
using CareWorkflows.Engine.Reminders;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Reminders;

/// <summary>
/// kill -9 of the real careflow process in the middle of a burst of 1,000 text-message reminders, then a restart.
/// The SMS gateway (a local receiver) keeps its own record by idempotency key, as real gateways do: by that record
/// every reminder arrived exactly once, though a message on the wire at the moment of the kill may have come twice.
/// </summary>
public sealed class ReminderCrashTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "burst";
    private const int Count = 1000;
    private static readonly string[] SmsOnly = ["sms"];
    private static readonly int[] AreaCodes = [312, 773, 872, 630, 847, 708, 224, 331, 815, 779];

    [Fact]
    public async Task Kill9_DuringABurstOf1000Reminders_EveryReminderReachesTheGatewayExactlyOnceByItsRecord()
    {
        using var receiver = new HttpReceiver { Delay = TimeSpan.FromMilliseconds(30) };
        ReminderWorkspace.AddPractice(Workspace, Practice);
        var config = ReminderWorkspace.WriteConfig(Workspace, new
        {
            PollSeconds = 0.2,
            BatchSize = 100,
            Parallelism = 8,
            Retries = 2,
            RetryDelaySeconds = 0.2,
            Sms = new { Url = receiver.Url("sms").ToString(), AccountSid = "AC-burst", AuthToken = "token", From = "+13125550100" },
        });
        var careflow = await StartAsync("--config", config);

        var patients = Enumerable.Range(0, Count).Select(i => $"b-{i:D4}").ToList();
        foreach (var chunk in patients.Chunk(250))
        {
            using var put = await careflow.Client.PutAsJsonAsync(new Uri($"api/practices/{Practice}/contacts", UriKind.Relative),
                chunk.Select(p => new { patient = p, firstName = "Pat", phone = Phone(patients.IndexOf(p)), channels = SmsOnly }), ReminderWorkspace.Json);
            var answer = await CareflowApi.ReadAsync<List<ContactAnswer>>(put, System.Net.HttpStatusCode.OK);
            Assert.All(answer, a => Assert.True(a.PhoneE164 is not null, $"{a.Patient}: {a.PhoneProblem}"));
        }

        foreach (var chunk in patients.Chunk(200))
        {
            await careflow.Client.SubmitAsync(Practice, [.. chunk.Select(p => ReminderWorkspace.Appointment($"appt-{p}", p))]);
        }

        await CareflowApi.PollAsync(() => Task.FromResult(receiver.Record.Count), n => n >= 100, TimeSpan.FromSeconds(60), "the burst under way");
        careflow.Kill();
        var beforeKill = receiver.Record.Count;
        Output.WriteLine($"killed with {beforeKill} of {Count} reminders in the gateway's record and {receiver.Requests.Count} requests received");
        Assert.InRange(beforeKill, 1, Count - 1);

        var restarted = await StartAsync("--config", config);
        var ledger = await CareflowApi.PollAsync(() => restarted.Client.RemindersAsync(Practice), r => r.Count == Count && r.All(x => x.Status == "sent"), TimeSpan.FromSeconds(120),
            $"all {Count} reminders sent after the restart", r => string.Join(", ", r.GroupBy(x => x.Status).Select(g => $"{g.Count()} {g.Key}")));

        // The gateway's own record: each of the 1,000 keys once, and no key that is not a reminder's.
        var keys = ledger.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Count, keys.Count);
        Assert.Equal(keys.Order(StringComparer.Ordinal), receiver.Record.Keys.Order(StringComparer.Ordinal));
        Assert.All(ledger, r => Assert.Equal(r.Key, ReminderDelivery.KeyOf(r.Id)));

        // Each patient got their own message, and a message sent again after the kill was the same message.
        var to = receiver.Record.Values.Select(r => System.Web.HttpUtility.ParseQueryString(r.Body)["To"]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(Count, to.Count);
        var repeats = receiver.Requests.GroupBy(r => r.IdempotencyKey).Where(g => g.Count() > 1).ToList();
        Assert.All(repeats, g => Assert.Single(g.Select(r => r.Body).Distinct(StringComparer.Ordinal)));
        Output.WriteLine($"{repeats.Count} messages were on the wire at the kill and sent again with the same key; the gateway's record has each once");

        var database = new CareflowDatabase(Workspace.Database);
        Assert.Equal(Count, await database.CountAsync($"SELECT COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'reminder.delivered'"));
        Assert.Equal(Count, await database.CountAsync($"SELECT COUNT(*) FROM timeline WHERE PracticeId = '{Practice}' AND Type = 'reminder.sent'"));
    }

    // Fictional 555-01xx numbers across Chicago-area codes: 100 per area code.
    private static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+1 {AreaCodes[i / 100]} 555 01{i % 100:D2}");

    private sealed record ContactAnswer(string Patient, string? PhoneE164, string? PhoneProblem);
}
