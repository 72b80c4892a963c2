using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Reminders;

/// <summary>
/// Reminders through the real careflow process to real receivers: email to smtp4dev (read back as MIME), text
/// messages and portal messages to a local HTTP receiver that records every request. Consent, opt-outs, bad
/// numbers, retries and refusals end as the patient would see them, or as a call-list task for the front desk.
/// </summary>
public sealed class ReminderDeliveryTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "rem";
    private const string SmsToken = "sms-token-never-logged";
    private const string PortalToken = "portal-token-never-logged";
    private static readonly string[] SmsOnly = ["sms"];
    private static readonly string[] EmailOnly = ["email"];
    private static readonly string[] PortalOnly = ["portal"];
    private static readonly string[] PortalAndEmail = ["portal", "email"];

    [Fact]
    public async Task Deliver_EmailSmsAndPortal_EachReceiverGetsOneMessageInThePatientsLanguage()
    {
        await using var smtp = await Smtp4devServer.StartAsync();
        using var receiver = new HttpReceiver();
        var careflow = await StartWithReceiversAsync(receiver, smtp.SmtpPort);
        var client = careflow.Client;

        await client.SubmitAsync(Practice, ReminderWorkspace.Facts("p-email", ("language", "es"), ("preferred-channel", "email")));
        await client.SubmitAsync(Practice, ReminderWorkspace.Facts("p-portal", ("preferred-channel", "portal")));
        await client.PutContactAsync(Practice, "p-email", new { firstName = "Lucía", email = "lucia@example.org", channels = EmailOnly });
        await client.PutContactAsync(Practice, "p-sms", new { firstName = "James", phone = "(312) 555-0142", channels = SmsOnly });
        await client.PutContactAsync(Practice, "p-portal", new { firstName = "Lena", portalId = "portal-77", channels = PortalOnly });
        await client.SubmitAsync(Practice,
            ReminderWorkspace.Appointment("a-email", "p-email"), ReminderWorkspace.Appointment("a-sms", "p-sms"), ReminderWorkspace.Appointment("a-portal", "p-portal"));

        var sent = await CareflowApi.PollAsync(() => client.RemindersAsync(Practice), r => r.Count == 3 && r.All(x => x.Status == "sent"), TimeSpan.FromSeconds(60),
            "three reminders sent", r => string.Join("; ", r.Select(x => $"{x.PatientId} {x.Status} {x.Outcome}")));
        var byPatient = sent.ToDictionary(r => r.PatientId);
        Assert.Equal(("email", "es"), (byPatient["p-email"].SentBy, byPatient["p-email"].Language));
        Assert.Equal(("sms", "en"), (byPatient["p-sms"].SentBy, byPatient["p-sms"].Language));
        Assert.Equal("portal", byPatient["p-portal"].SentBy);

        // Email: in Spanish, with the Message-ID derived from the reminder's idempotency key.
        var mail = Assert.Single(await smtp.MessagesAsync());
        Assert.Equal("lucia@example.org", mail.To.Mailboxes.Single().Address);
        Assert.Equal($"{byPatient["p-email"].Key}@careflow", mail.MessageId);
        Assert.Equal(byPatient["p-email"].Key, mail.Headers["Idempotency-Key"]);
        Assert.Contains("Hola Lucía, le escribe Lakeside Family Medicine", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("en Lakeside clinic, room 2", mail.TextBody, StringComparison.Ordinal);

        // SMS: a Twilio-style form with basic authentication, the number in E.164, the key as Idempotency-Key.
        var sms = Assert.Single(receiver.Requests, r => r.Path.EndsWith("/Messages.json", StringComparison.Ordinal));
        Assert.Equal(byPatient["p-sms"].Key, sms.IdempotencyKey);
        Assert.Equal("Basic " + Convert.ToBase64String("AC-test:"u8.ToArray().Concat(System.Text.Encoding.UTF8.GetBytes(SmsToken)).ToArray()), sms.Authorization);
        var form = System.Web.HttpUtility.ParseQueryString(sms.Body);
        Assert.Equal("+13125550142", form["To"]);
        Assert.Equal("+13125550100", form["From"]);
        Assert.StartsWith("Hi James, this is Lakeside Family Medicine: reminder of your appointment", form["Body"], StringComparison.Ordinal);

        // Portal: JSON with the portal's id for the patient and a bearer token.
        var portal = Assert.Single(receiver.Requests, r => r.Path == "/portal/messages");
        Assert.Equal($"Bearer {PortalToken}", portal.Authorization);
        using var json = JsonDocument.Parse(portal.Body);
        Assert.Equal("portal-77", json.RootElement.GetProperty("patient").GetString());
        Assert.StartsWith("Hi Lena", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The timeline says what the workflow asked for and what went out.
        var timeline = await client.TimelineAsync(Practice, "p-email");
        Assert.Contains(timeline, e => e.Type == "reminder.sent" && e.Detail == "appointment-reminder");
        Assert.Contains(timeline, e => e.Type == "reminder.delivered");
        using (var raw = await client.GetAsync(new Uri($"api/practices/{Practice}/patients/p-email/timeline", UriKind.Relative)))
        {
            var entries = JsonDocument.Parse(await raw.Content.ReadAsStringAsync()).RootElement.EnumerateArray().ToList();
            var queued = entries.Single(e => e.GetProperty("type").GetString() == "reminder.sent");
            Assert.Equal(("email", "es"), (queued.GetProperty("channel").GetString(), queued.GetProperty("language").GetString()));
        }

        await GroupVisitInvitationAsync(client, smtp);

        // Credentials are never written to the console or the log files.
        var logs = string.Join('\n', Directory.EnumerateFiles(Path.Join(Workspace.Data, "logs")).Select(ReadShared)) + careflow.Output;
        Assert.DoesNotContain(SmsToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(PortalToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("lucia@example.org", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_OptedOutBadNumberRetriedRefused_NoneTwiceAndCallListTasksWithReasons()
    {
        using var receiver = new HttpReceiver();
        var careflow = await StartWithReceiversAsync(receiver, smtpPort: null);
        var client = careflow.Client;

        // A gateway that fails twice is retried with backoff: the message goes out once, under one key.
        receiver.FailNext(2);
        await client.PutContactAsync(Practice, "p-retry", new { firstName = "Ann", phone = "+1 312 555 0144", channels = SmsOnly });
        await client.SubmitAsync(Practice, ReminderWorkspace.Appointment("a-retry", "p-retry"));
        var retried = Assert.Single(await CareflowApi.PollAsync(() => client.RemindersAsync(Practice), r => r.Any(x => x.Status == "sent"), TimeSpan.FromSeconds(60), "the retried reminder sent"));
        Assert.Equal(3, receiver.Requests.Count(r => r.IdempotencyKey == retried.Key));
        Assert.Single(receiver.Record, r => r.Key == retried.Key);

        // STOP by text message and an opt-out by staff both count from that moment; a number that cannot take texts is not tried.
        await client.PutContactAsync(Practice, "p-stop", new { firstName = "Bea", phone = "+1 (312) 555-0143", channels = SmsOnly });
        await client.PutContactAsync(Practice, "p-staff", new { firstName = "Cy", email = "cy@example.org", channels = PortalAndEmail });
        await client.PutContactAsync(Practice, "p-bad-number", new { firstName = "Di", phone = "555-01", channels = SmsOnly });
        using (var stop = await client.PostAsync(new Uri($"api/practices/{Practice}/sms/inbound", UriKind.Relative),
            new FormUrlEncodedContent([new("From", "+13125550143"), new("To", "+13125550100"), new("Body", " stop ")])))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
            Assert.Contains("<Response>", await stop.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var optOut = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/patients/p-staff/consent", UriKind.Relative), new { channel = "all", action = "opt-out", by = "fd-1" }))
        {
            Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
        }

        var requestsBefore = receiver.Requests.Count;
        await client.SubmitAsync(Practice, ReminderWorkspace.Appointment("a-stop", "p-stop"), ReminderWorkspace.Appointment("a-staff", "p-staff"),
            ReminderWorkspace.Appointment("a-bad-number", "p-bad-number"), ReminderWorkspace.Appointment("a-nobody", "p-no-contact"));
        var undeliverable = await CareflowApi.PollAsync(() => client.RemindersAsync(Practice, "status=call-list"), r => r.Count == 4, TimeSpan.FromSeconds(60), "four reminders on the call list");
        Assert.Equal(requestsBefore, receiver.Requests.Count);

        var tasks = await client.TasksAsync(Practice, "role=front-desk&limit=100");
        string ReasonFor(string patient) => Assert.Single(tasks, t => t.PatientId == patient && t.WorkflowId == "reminders").Reason!;
        Assert.Contains("sms: the patient opted out (replied STOP", ReasonFor("p-stop"), StringComparison.Ordinal);
        Assert.Contains("email: the patient opted out (staff recorded it", ReasonFor("p-staff"), StringComparison.Ordinal);
        Assert.Contains("portal: the patient opted out", ReasonFor("p-staff"), StringComparison.Ordinal);
        Assert.Contains("sms: the phone number on file is not", ReasonFor("p-bad-number"), StringComparison.Ordinal);
        Assert.Contains("no contact details", ReasonFor("p-no-contact"), StringComparison.Ordinal);
        Assert.All(undeliverable, r => Assert.Equal(r.TaskId, Assert.Single(tasks, t => t.PatientId == r.PatientId && t.WorkflowId == "reminders").Id));

        // The front desk makes the call and records it, like any task.
        var call = Assert.Single(tasks, t => t.PatientId == "p-no-contact" && t.WorkflowId == "reminders");
        using (var done = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/tasks/{call.Id}/complete", UriKind.Relative), new { outcome = "reached", minutes = 3, by = "fd-1" }))
        {
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        Assert.Equal("completed", Assert.Single(await client.TasksAsync(Practice, "patient=p-no-contact&status=all"), t => t.Id == call.Id).Status);

        // START opts back in: the next reminder goes out again.
        using (var start = await client.PostAsync(new Uri($"api/practices/{Practice}/sms/inbound", UriKind.Relative),
            new FormUrlEncodedContent([new("From", "+13125550143"), new("Body", "START")])))
        {
            Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        }

        await client.SubmitAsync(Practice, ReminderWorkspace.Appointment("a-stop-2", "p-stop"));
        await CareflowApi.PollAsync(() => client.RemindersAsync(Practice, "patient=p-stop&status=sent"), r => r.Count == 1, TimeSpan.FromSeconds(60), "the reminder after START sent");

        // A gateway that refuses the message (400) is not retried: the front desk calls.
        receiver.Refuse = true;
        await client.PutContactAsync(Practice, "p-refused", new { firstName = "Ed", phone = "+1 312 555 0145", channels = SmsOnly });
        await client.SubmitAsync(Practice, ReminderWorkspace.Appointment("a-refused", "p-refused"));
        var refused = Assert.Single(await CareflowApi.PollAsync(() => client.RemindersAsync(Practice, "patient=p-refused&status=call-list"), r => r.Count == 1, TimeSpan.FromSeconds(60), "the refused reminder on the call list"));
        Assert.Contains("answered 400", refused.Outcome, StringComparison.Ordinal);
        Assert.Single(receiver.Requests, r => r.IdempotencyKey == refused.Key);
    }

    private static async Task GroupVisitInvitationAsync(HttpClient client, Smtp4devServer smtp)
    {
        using var created = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits", UriKind.Relative), new
        {
            id = "gv-dec",
            topic = "Living well with diabetes",
            start = "2027-01-12T17:30:00",
            minutes = 90,
            place = "Community room, 2nd floor",
            capacity = 1,
            facilitator = "DCC Rivera",
            program = "diabetes-high-risk",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var invited = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec/invitations", UriKind.Relative), new { patient = "p-email", by = "dcc-1", via = "email" });
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        await CareflowApi.PollAsync(() => client.RemindersAsync(Practice, "patient=p-email&status=sent"), r => r.Count == 2, TimeSpan.FromSeconds(60), "the invitation sent");

        var invitation = Assert.Single(await smtp.MessagesAsync(), m => m.TextBody?.Contains("cita médica en grupo", StringComparison.Ordinal) == true);
        Assert.Contains("12/01/2027 a las 17:30 en Community room, 2nd floor", invitation.TextBody, StringComparison.Ordinal);
        var calendar = Assert.Single(invitation.Attachments.OfType<MimeKit.MimePart>(), a => a.ContentType.MimeType == "text/calendar");
        using var text = new MemoryStream();
        await calendar.Content!.DecodeToAsync(text);
        var ics = System.Text.Encoding.UTF8.GetString(text.ToArray());
        Assert.Contains("SUMMARY:Living well with diabetes", ics, StringComparison.Ordinal);
        Assert.Contains("LOCATION:Community room\\, 2nd floor", ics, StringComparison.Ordinal);
        Assert.Contains("DTSTART:20270112T233000Z", ics, StringComparison.Ordinal);

        // Every contact reinforces this session: the one the patient was invited to.
        using (var next = await client.GetAsync(new Uri($"api/practices/{Practice}/group-visits/next?patient=p-email", UriKind.Relative)))
        {
            Assert.Equal("gv-dec", JsonDocument.Parse(await next.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString());
        }

        // RSVP within capacity, a yes beyond it refused, attendance recorded.
        using var yes = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec/rsvp", UriKind.Relative), new { patient = "p-email", answer = "yes" });
        Assert.Equal(HttpStatusCode.NoContent, yes.StatusCode);
        using var other = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec/invitations", UriKind.Relative), new { patient = "p-sms", by = "dcc-1" });
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var full = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec/rsvp", UriKind.Relative), new { patient = "p-sms", answer = "yes" });
        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        using var came = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec/attendance", UriKind.Relative), new { patient = "p-email", attended = true, by = "dcc-1" });
        Assert.Equal(HttpStatusCode.NoContent, came.StatusCode);

        using var session = await client.GetAsync(new Uri($"api/practices/{Practice}/group-visits/gv-dec", UriKind.Relative));
        var body = JsonDocument.Parse(await session.Content.ReadAsStringAsync()).RootElement;
        var invitations = body.GetProperty("invitations").EnumerateArray().ToDictionary(i => i.GetProperty("patientId").GetString()!);
        Assert.Equal(("email", "dcc-1", "yes", true), (invitations["p-email"].GetProperty("via").GetString(), invitations["p-email"].GetProperty("invitedBy").GetString(),
            invitations["p-email"].GetProperty("rsvp").GetString(), invitations["p-email"].GetProperty("attended").GetBoolean()));
        Assert.Equal("flier", invitations["p-sms"].GetProperty("via").GetString());
        Assert.Equal(1, body.GetProperty("coming").GetInt32());
    }

    private async Task<CareflowProcess> StartWithReceiversAsync(HttpReceiver receiver, int? smtpPort)
    {
        ReminderWorkspace.AddPractice(Workspace, Practice);
        var config = ReminderWorkspace.WriteConfig(Workspace, new
        {
            PollSeconds = 0.2,
            Retries = 2,
            RetryDelaySeconds = 0.2,
            Email = new { Host = smtpPort is null ? null : "127.0.0.1", Port = smtpPort ?? 25, Security = "none", From = "reminders@lakeside.example" },
            Sms = new { Url = receiver.Url("2010-04-01/Accounts/AC-test/Messages.json").ToString(), AccountSid = "AC-test", AuthToken = SmsToken, From = "+13125550100" },
            Portal = new { Url = receiver.Url("portal/messages").ToString(), BearerToken = PortalToken },
        });
        return await StartAsync("--config", config);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
