using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reminders;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CareWorkflows.Tests.Reminders;

/// <summary>
/// Quiet hours, on a fake clock: the engine's own services (runtime, SQLite ledger, delivery worker) in this process,
/// a real SMTP server (smtp4dev) receiving. A reminder that falls due at 22:00 patient-local waits until 08:00.
/// </summary>
public sealed class QuietHoursTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");

    [Theory]
    [InlineData("2026-12-01T22:00", "2026-12-02T08:00")]
    [InlineData("2026-12-02T06:30", "2026-12-02T08:00")]
    [InlineData("2026-12-02T08:00", "2026-12-02T08:00")]
    [InlineData("2026-12-02T19:59", "2026-12-02T19:59")]
    [InlineData("2026-12-02T20:00", "2026-12-03T08:00")]
    [InlineData("2027-03-13T23:00", "2027-03-14T08:00")]
    public void NextAllowed_OutsideHours_MovesToTheNextOpeningInTheZone(string due, string expected)
    {
        var at = QuietHours.NextAllowed(Local(due), Chicago, new TimeOnly(8, 0), new TimeOnly(20, 0));

        Assert.Equal(Local(expected), at);
    }

    [Fact]
    public async Task Deliver_ReminderDueAt2200_ArrivesAt0800TheNextMorning()
    {
        await using var smtp = await Smtp4devServer.StartAsync();
        using var workspace = CareflowWorkspace.Create();
        ReminderWorkspace.AddPractice(workspace, "quiet", hours: "08:00-20:00");
        var clock = new FakeTimeProvider(Local("2026-12-01T22:00"));
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(new DefinitionHistory(DefinitionLoader.LoadOrThrow(workspace.Workflows, workspace.Rules)))
            .AddCareflowSqlite(PersistenceSetup.SqliteConnectionString(workspace.Database))
            .AddCareflowReminders(new ReminderOptions { Retries = 0, Email = new EmailOptions { Host = "127.0.0.1", Port = smtp.SmtpPort, Security = "none" } });
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<RuntimeStore>();
        await store.MigrateAsync(CancellationToken.None);
        await provider.GetRequiredService<ContactBook>().PutAsync(
            [new PatientContact { PracticeId = "quiet", PatientId = "p-night", FirstName = "Noor", Email = "noor@example.org", Channels = [MessageChannels.Email] }], CancellationToken.None);
        var worker = provider.GetRequiredService<DeliveryWorker>();
        var ledger = provider.GetRequiredService<ReminderLedger>();

        // At 22:00 an appointment is booked that starts within the minute: the workflow's reminder falls due now.
        await store.SubmitAsync([new WorkflowEvent
        {
            EventId = "late-booking",
            PracticeId = "quiet",
            PatientId = "p-night",
            Type = "appointment.scheduled",
            At = clock.GetUtcNow(),
            Data = new Dictionary<string, string> { ["start"] = clock.GetUtcNow().AddSeconds(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture), ["place"] = "Main clinic" },
        }], CancellationToken.None);
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));

        var deferred = Assert.Single(await ledger.ListAsync("quiet", null, null, 10, CancellationToken.None));
        Assert.Equal(("queued", Local("2026-12-02T08:00")), (deferred.Status, deferred.NotBefore));
        Assert.Contains("quiet hours", deferred.Outcome, StringComparison.Ordinal);
        Assert.Empty(await smtp.MessagesAsync());

        clock.SetUtcNow(Local("2026-12-02T07:59:59"));
        Assert.Equal(0, await worker.RunOnceAsync(CancellationToken.None));
        Assert.Empty(await smtp.MessagesAsync());

        clock.SetUtcNow(Local("2026-12-02T08:00"));
        Assert.Equal(1, await worker.RunOnceAsync(CancellationToken.None));
        var sent = Assert.Single(await ledger.ListAsync("quiet", null, null, 10, CancellationToken.None));
        Assert.Equal(("sent", Local("2026-12-02T08:00"), 1), (sent.Status, sent.SentAt, sent.Attempts));
        var mail = Assert.Single(await smtp.MessagesAsync());
        Assert.Equal("noor@example.org", mail.To.Mailboxes.Single().Address);
        Assert.StartsWith("Hi Noor, this is Lakeside Family Medicine", mail.TextBody, StringComparison.Ordinal);
    }

    private static DateTimeOffset Local(string text)
    {
        var local = DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return new DateTimeOffset(local, Chicago.GetUtcOffset(local));
    }
}
