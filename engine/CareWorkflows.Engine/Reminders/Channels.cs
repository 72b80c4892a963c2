using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace CareWorkflows.Engine.Reminders;

/// <summary>One message to send. <see cref="Key"/> is the reminder's idempotency key: the same reminder always has the same key.</summary>
internal sealed record OutgoingMessage(string Key, string PracticeId, string PatientId, string Template, string Language, string Text, string Subject, string To)
{
    /// <summary>A group-visit session to attach as an iCalendar invitation (email).</summary>
    public SessionInfo? Invite { get; init; }
}

/// <summary>A send that did not go through. Permanent ones (a refused address) are not retried.</summary>
internal sealed class DeliveryFailedException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>A way to reach a patient without staff.</summary>
internal interface IReminderChannel
{
    /// <summary>sms, email or portal.</summary>
    public string Name { get; }

    /// <summary>Why the channel cannot be used at all (not configured), or null.</summary>
    public string? Unavailable { get; }

    /// <summary>Sends; returns the receiver's reference, if it gives one. Throws <see cref="DeliveryFailedException"/>.</summary>
    public Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);
}

/// <summary>Email through SMTP (MailKit). The Message-ID is derived from the idempotency key, so a resend is recognisable as the same message.</summary>
internal sealed class EmailChannel(ReminderOptions options, TimeProvider time) : IReminderChannel
{
    public string Name => Contacts.MessageChannels.Email;

    public string? Unavailable => string.IsNullOrWhiteSpace(options.Email.Host) ? "email: no SMTP server is configured (Reminders:Email:Host)" : null;

    public static string MessageId(string key) => $"{key}@careflow";

    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var email = new MimeMessage { Subject = message.Subject, MessageId = MessageId(message.Key) };
        email.From.Add(MailboxAddress.Parse(options.Email.From));
        email.To.Add(MailboxAddress.Parse(message.To));
        email.Headers.Add("Idempotency-Key", message.Key);
        var body = new BodyBuilder { TextBody = message.Text };
        if (message.Invite is { } session)
        {
            body.Attachments.Add("invitation.ics", System.Text.Encoding.UTF8.GetBytes(Calendar(session)), new ContentType("text", "calendar") { Charset = "utf-8" });
        }

        email.Body = body.ToMessageBody();
        using var client = new SmtpClient { Timeout = (int)TimeSpan.FromSeconds(options.Email.TimeoutSeconds).TotalMilliseconds };
        try
        {
            await client.ConnectAsync(options.Email.Host!, options.Email.Port, Security(options.Email.Security), cancellationToken);
            if (!string.IsNullOrEmpty(options.Email.UserName))
            {
                await client.AuthenticateAsync(options.Email.UserName, options.Email.Password ?? "", cancellationToken);
            }

            var answer = await client.SendAsync(email, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return answer;
        }
        catch (SmtpCommandException ex) when (ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted && (int)ex.StatusCode >= 500)
        {
            throw new DeliveryFailedException($"email: the server refused the message ({(int)ex.StatusCode})", permanent: true, ex);
        }
        catch (AuthenticationException ex)
        {
            throw new DeliveryFailedException("email: the SMTP server refused the configured user name and password", permanent: false, ex);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or IOException or System.Net.Sockets.SocketException or InvalidOperationException or TimeoutException)
        {
            throw new DeliveryFailedException($"email: {ex.GetType().Name} talking to the SMTP server", permanent: false, ex);
        }
    }

    /// <summary>The session as an iCalendar event; its UID is the session's, so calendars update rather than duplicate it.</summary>
    public string Calendar(SessionInfo session)
    {
        var calendar = new Ical.Net.Calendar { Method = "PUBLISH" };
        calendar.Events.Add(new CalendarEvent
        {
            Uid = $"{session.Id}@careflow",
            Summary = session.Topic,
            Location = session.Place,
            Description = session.Facilitator is null ? null : $"Led by {session.Facilitator}",
            Start = new CalDateTime(session.Start.UtcDateTime),
            End = new CalDateTime(session.Start.AddMinutes(session.Minutes).UtcDateTime),
            DtStamp = new CalDateTime(time.GetUtcNow().UtcDateTime),
        });
        return new CalendarSerializer().SerializeToString(calendar) ?? "";
    }

    private static SecureSocketOptions Security(string text) => text.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}

/// <summary>Text messages through a Twilio-compatible gateway: a form POST with basic authentication and an idempotency key.</summary>
internal sealed class SmsChannel(ReminderOptions options, HttpClient http) : IReminderChannel
{
    public string Name => Contacts.MessageChannels.Sms;

    public string? Unavailable => string.IsNullOrWhiteSpace(options.Sms.Url) ? "sms: no SMS gateway is configured (Reminders:Sms:Url)" : null;

    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", message.To), new("Body", message.Text) };
        form.Add(options.Sms.MessagingServiceSid is { Length: > 0 } service ? new("MessagingServiceSid", service) : new("From", options.Sms.From ?? ""));
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Sms.Url) { Content = new FormUrlEncodedContent(form) };
        if (!string.IsNullOrEmpty(options.Sms.AccountSid))
        {
            var credentials = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{options.Sms.AccountSid}:{options.Sms.AuthToken}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        // Twilio names its idempotency header I-Twilio-Idempotency-Token; other gateways take Idempotency-Key.
        request.Headers.Add("Idempotency-Key", message.Key);
        request.Headers.Add("I-Twilio-Idempotency-Token", message.Key);
        return await HttpDelivery.SendAsync(http, request, Name, "sid", cancellationToken);
    }
}

/// <summary>Patient-portal messages: a JSON POST to the portal's webhook with an idempotency key.</summary>
internal sealed class PortalChannel(ReminderOptions options, HttpClient http) : IReminderChannel
{
    public string Name => Contacts.MessageChannels.Portal;

    public string? Unavailable => string.IsNullOrWhiteSpace(options.Portal.Url) ? "portal: no portal webhook is configured (Reminders:Portal:Url)" : null;

    public async Task<string?> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Portal.Url)
        {
            Content = JsonContent.Create(new
            {
                id = message.Key,
                practice = message.PracticeId,
                patient = message.To,
                template = message.Template,
                language = message.Language,
                subject = message.Subject,
                text = message.Text,
                session = message.Invite is { } s ? new { id = s.Id, topic = s.Topic, start = s.Start, minutes = s.Minutes, place = s.Place } : null,
            }),
        };
        if (!string.IsNullOrEmpty(options.Portal.BearerToken))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Portal.BearerToken);
        }

        request.Headers.Add("Idempotency-Key", message.Key);
        return await HttpDelivery.SendAsync(http, request, Name, "id", cancellationToken);
    }
}

internal static class HttpDelivery
{
    /// <summary>Sends; 2xx is done, 408, 429 and 5xx are worth retrying, other answers are final.</summary>
    public static async Task<string?> SendAsync(HttpClient http, HttpRequestMessage request, string channel, string referenceField, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DeliveryFailedException($"{channel}: the gateway could not be reached ({ex.HttpRequestError})", permanent: false, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryFailedException($"{channel}: the gateway did not answer in time", permanent: false, ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return await ReferenceAsync(response, referenceField, cancellationToken);
            }

            var retry = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
            throw new DeliveryFailedException($"{channel}: the gateway answered {status} {response.ReasonPhrase}", permanent: !retry);
        }
    }

    private static async Task<string?> ReferenceAsync(HttpResponseMessage response, string field, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(field, out var value) ? value.ToString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
