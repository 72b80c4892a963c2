using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Reminders;
using CareWorkflows.Engine.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using MimeKit;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>How to reach patients and what they consented to; opt-outs by staff or by an SMS reply; the reminder ledger.</summary>
internal static partial class ContactsApi
{
    // The words carriers and Twilio treat as opting out of, and back into, text messages.
    private static readonly string[] StopWords = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
    private static readonly string[] StartWords = ["START", "UNSTOP", "YES", "OPTIN"];

    public static RouteGroupBuilder MapContactsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/patients/{patientId}/contact", GetAsync).WithName("GetContact")
            .RequirePermission(Permission.PatientsRead);
        practice.MapPut("/patients/{patientId}/contact", PutOneAsync).WithName("PutContact")
            .WithSummary("Contact details and consented channels: firstName, phone, email, portalId, timeZone, channels (sms, email, portal). Opt-outs recorded before are kept.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPut("/contacts", PutManyAsync).WithName("PutContacts")
            .WithSummary("Several patients' contact details at once: a JSON array of up to 1,000 objects, each with 'patient' and the fields of PUT .../contact.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/patients/{patientId}/consent", ConsentAsync).WithName("ChangeConsent")
            .WithSummary("Staff record an opt-out or opt-in: channel (sms, email, portal or all), action (opt-out | opt-in), by. Counts from that moment.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/sms/inbound", InboundSmsAsync).WithName("InboundSms").DisableAntiforgery()
            .WithSummary("The SMS gateway's webhook for replies (Twilio form fields From and Body): STOP and the like opt the number out of text messages, START opts it back in.")
            .RequirePermission(Permission.PatientsWrite);
        practice.MapPost("/sms/twilio", SignedInboundSmsAsync).WithName("SignedInboundSms").DisableAntiforgery()
            .WithSummary("The same webhook for a gateway that cannot send an API key: no key, but the request must carry the gateway's X-Twilio-Signature made with Reminders:Sms:AuthToken.")
            .AllowAnonymous();
        practice.MapGet("/reminders", LedgerAsync).WithName("ListReminders")
            .WithSummary("The delivery ledger, newest first: status (queued, sending, sent, call-list), channel, language, attempts, outcome. Filters: patient, status, limit.")
            .RequirePermission(Permission.PatientsRead);
        return practice;
    }

    private static async Task<Results<Ok<ContactResponse>, NotFound>> GetAsync(
        string practiceId, string patientId, ContactBook contacts, DefinitionHistory definitions, CancellationToken cancellationToken)
    {
        if (await contacts.GetAsync(practiceId, patientId, cancellationToken) is not { } contact)
        {
            return TypedResults.NotFound();
        }

        var problem = contact.Phone is not null && contact.PhoneE164 is null
            ? PhoneNumberCheck.Normalize(contact.Phone, definitions.Current.Practice(practiceId).PhoneRegion).Problem
            : null;
        return TypedResults.Ok(ContactResponse.From(contact, problem));
    }

    private static async Task<Results<Ok<ContactResponse>, ValidationProblem>> PutOneAsync(
        string practiceId, string patientId, ContactRequest request, ContactBook contacts, DefinitionHistory definitions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (contact, problem) = Read(practiceId, patientId, request, definitions, "", errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The contact is not valid; nothing was changed.");
        }

        await contacts.PutAsync([contact], cancellationToken);
        return TypedResults.Ok(ContactResponse.From(contact, problem));
    }

    private static async Task<Results<Ok<IReadOnlyList<ContactResponse>>, ValidationProblem>> PutManyAsync(
        string practiceId, IReadOnlyList<ContactRequest> requests, ContactBook contacts, DefinitionHistory definitions, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (requests.Count is 0 or > 1000)
        {
            errors[""] = ["Send 1 to 1,000 contacts."];
        }

        var read = requests.Select((r, i) =>
        {
            if (string.IsNullOrWhiteSpace(r.Patient))
            {
                errors[$"[{i}].patient"] = ["Name the patient (their id in the practice)."];
            }

            return Read(practiceId, r.Patient ?? "", r, definitions, $"[{i}].", errors);
        }).ToList();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Some contacts are not valid; nothing was changed.");
        }

        await contacts.PutAsync([.. read.Select(r => r.Contact)], cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ContactResponse>>([.. read.Select(r => ContactResponse.From(r.Contact, r.PhoneProblem))]);
    }

    private static (PatientContact Contact, string? PhoneProblem) Read(string practiceId, string patientId, ContactRequest request, DefinitionHistory definitions, string prefix, Dictionary<string, string[]> errors)
    {
        var channels = request.Channels ?? [];
        foreach (var channel in channels.Where(c => !MessageChannels.All.Contains(c)))
        {
            errors[$"{prefix}channels"] = [$"'{channel}' is not a message channel. Use {string.Join(", ", MessageChannels.All)}."];
        }

        if (request.Email is { Length: > 0 } email && !MailboxAddress.TryParse(email, out _))
        {
            errors[$"{prefix}email"] = ["That is not an email address."];
        }

        if (request.BestTime is { Length: > 200 })
        {
            errors[$"{prefix}bestTime"] = ["Keep the best time to call short: at most 200 characters."];
        }

        if (request.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            errors[$"{prefix}timeZone"] = [$"Unknown time zone '{zone}'. Use an IANA name such as America/Chicago."];
        }

        // A number that cannot take text messages is kept as given: reminders then go to the call list with the reason.
        var (e164, problem) = request.Phone is null ? (null, null) : PhoneNumberCheck.Normalize(request.Phone, definitions.Current.Practice(practiceId).PhoneRegion);
        return (new PatientContact
        {
            PracticeId = practiceId,
            PatientId = patientId,
            FirstName = request.FirstName,
            Phone = request.Phone,
            PhoneE164 = e164,
            Email = string.IsNullOrWhiteSpace(request.Email) ? null : request.Email,
            PortalId = request.PortalId,
            TimeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? null : request.TimeZone,
            BestTime = string.IsNullOrWhiteSpace(request.BestTime) ? null : request.BestTime.Trim(),
            UpdatedBy = request.By,
            Channels = [.. channels.Distinct(StringComparer.Ordinal)],
        }, problem);
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> ConsentAsync(
        string practiceId, string patientId, ConsentRequest request, ContactBook contacts, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Channel is null || !(request.Channel == "all" || MessageChannels.All.Contains(request.Channel)))
        {
            errors["channel"] = [$"Use {string.Join(", ", MessageChannels.All)} or all."];
        }

        if (request.Action is not ("opt-out" or "opt-in"))
        {
            errors["action"] = ["Use opt-out or opt-in."];
        }

        if (string.IsNullOrWhiteSpace(request.By))
        {
            errors["by"] = ["A consent change records who made it: give the staff id in 'by'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var change = new ConsentChange(request.Channel!, request.Action!, time.GetUtcNow(), "staff", request.By);
        return await contacts.ChangeConsentAsync(practiceId, patientId, change, cancellationToken) ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<IResult> InboundSmsAsync(
        string practiceId, HttpRequest request, ContactBook contacts, DefinitionHistory definitions, TimeProvider time, ILogger<ContactBook> logger, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return NotAForm();
        }

        return await ApplyReplyAsync(practiceId, await request.ReadFormAsync(cancellationToken), contacts, definitions, time, logger, cancellationToken);
    }

    private static async Task<IResult> SignedInboundSmsAsync(
        string practiceId, HttpRequest request, ReminderOptions options, ContactBook contacts, DefinitionHistory definitions, TimeProvider time, ILogger<ContactBook> logger,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Sms.AuthToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Signed SMS replies are off.",
                detail: "Set Reminders:Sms:AuthToken (the gateway's auth token) to take the gateway's signed webhooks here, or send replies to .../sms/inbound with an API key.");
        }

        if (!request.HasFormContentType)
        {
            return NotAForm();
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (!GatewaySignature.Verify(request, form, options.Sms.AuthToken, options.Sms.WebhookBaseUrl))
        {
            LogUnsigned(logger, practiceId);
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The SMS reply is not signed by the gateway.",
                detail: $"The {GatewaySignature.Header} header is missing or does not match this request under Reminders:Sms:AuthToken. "
                    + "Behind a proxy, set Reminders:Sms:WebhookBaseUrl to the address the gateway posts to.");
        }

        return await ApplyReplyAsync(practiceId, form, contacts, definitions, time, logger, cancellationToken);
    }

    private static ValidationProblem NotAForm() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the gateway's form fields (From, Body) as application/x-www-form-urlencoded."] });

    private static async Task<IResult> ApplyReplyAsync(
        string practiceId, IFormCollection form, ContactBook contacts, DefinitionHistory definitions, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var word = form["Body"].ToString().Trim().ToUpperInvariant();
        var action = StopWords.Contains(word) ? "opt-out" : StartWords.Contains(word) ? "opt-in" : null;
        var (from, _) = PhoneNumberCheck.Normalize(form["From"].ToString(), definitions.Current.Practice(practiceId).PhoneRegion);
        if (action is not null && from is not null)
        {
            var count = await contacts.ChangeConsentByPhoneAsync(practiceId, from, new ConsentChange(MessageChannels.Sms, action, time.GetUtcNow(), "sms-reply", null), cancellationToken);
            LogReply(logger, action, count, practiceId);
        }

        // An empty TwiML answer: the gateway sends its own confirmation of STOP and START.
        return Results.Content("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>", "text/xml");
    }

    private static async Task<Results<Ok<IReadOnlyList<ReminderDelivery>>, ValidationProblem>> LedgerAsync(
        string practiceId, string? patient, string? status, int? limit, ReminderLedger ledger, CancellationToken cancellationToken)
    {
        if (status is not (null or "queued" or "sending" or "sent" or "call-list"))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["Use queued, sending, sent or call-list."] });
        }

        return TypedResults.Ok(await ledger.ListAsync(practiceId, patient, status, Math.Clamp(limit ?? 200, 1, 5000), cancellationToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "An SMS reply recorded {Action} for {Count} patients of practice {PracticeId}")]
    private static partial void LogReply(ILogger logger, string action, int count, string practiceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An SMS reply for practice {PracticeId} was refused: its gateway signature is missing or wrong")]
    private static partial void LogUnsigned(ILogger logger, string practiceId);

    internal sealed record ContactRequest(string? Patient, string? FirstName, string? Phone, string? Email, string? PortalId, string? TimeZone, IReadOnlyList<string>? Channels,
        string? BestTime = null, string? By = null);

    internal sealed record ConsentRequest(string? Channel, string? Action, string? By);

    internal sealed record ContactResponse(string Patient, string? FirstName, string? Phone, string? PhoneE164, string? PhoneProblem, string? Email, string? PortalId, string? TimeZone,
        string? BestTime, IReadOnlyList<string> Channels, IReadOnlyList<string> OptedOut, IReadOnlyList<ConsentChange> ConsentChanges)
    {
        public static ContactResponse From(PatientContact contact, string? phoneProblem) => new(
            contact.PatientId, contact.FirstName, contact.Phone, contact.PhoneE164, phoneProblem, contact.Email, contact.PortalId, contact.TimeZone, contact.BestTime, contact.Channels,
            [.. MessageChannels.All.Where(c => contact.OptOutOf(c) is not null)], contact.ConsentChanges);
    }
}
