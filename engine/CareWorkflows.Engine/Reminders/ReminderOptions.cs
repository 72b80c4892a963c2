namespace CareWorkflows.Engine.Reminders;

/// <summary>
/// Delivery settings: the "Reminders" section of appsettings.json, of the file given to <c>careflow serve --config</c>,
/// or environment variables such as <c>Reminders__Sms__AuthToken</c>. Classes, not records, so that no ToString
/// ever prints a password or token.
/// </summary>
public sealed class ReminderOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Reminders";

    /// <summary>False stops the delivery worker: reminders stay queued.</summary>
    public bool Deliver { get; set; } = true;

    /// <summary>How often the ledger is looked at for due reminders, in seconds.</summary>
    public double PollSeconds { get; set; } = 1;

    /// <summary>Reminders claimed at a time.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Messages sent at the same time.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>Further tries of a failed send (with exponential backoff) before the reminder goes to the call list.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>The first backoff, in seconds; each retry waits about twice the one before.</summary>
    public double RetryDelaySeconds { get; set; } = 2;

    /// <summary>Deliveries started for one reminder (restarts included) before it goes to the call list.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>How long a claimed reminder stays with this process before another pass may take it again, in seconds.</summary>
    public double LeaseSeconds { get; set; } = 300;

    /// <summary>Email through SMTP.</summary>
    public EmailOptions Email { get; set; } = new();

    /// <summary>Text messages through a Twilio-compatible HTTP gateway.</summary>
    public SmsOptions Sms { get; set; } = new();

    /// <summary>Patient-portal messages through a webhook.</summary>
    public WebhookOptions Portal { get; set; } = new();
}

/// <summary>The SMTP server email reminders go through (MailKit).</summary>
public sealed class EmailOptions
{
    /// <summary>The server; email is off while it is empty.</summary>
    public string? Host { get; set; }

    /// <summary>The port.</summary>
    public int Port { get; set; } = 25;

    /// <summary>none, starttls, ssl or auto.</summary>
    public string Security { get; set; } = "auto";

    /// <summary>User name, if the server wants one.</summary>
    public string? UserName { get; set; }

    /// <summary>Password; never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The sender address.</summary>
    public string From { get; set; } = "reminders@careflow.invalid";

    /// <summary>Seconds to wait for the server.</summary>
    public double TimeoutSeconds { get; set; } = 30;
}

/// <summary>A Twilio-compatible SMS gateway: a form POST of To, From and Body with basic authentication.</summary>
public sealed class SmsOptions
{
    /// <summary>The full URL, e.g. https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json; SMS is off while it is empty.</summary>
    public string? Url { get; set; }

    /// <summary>The account (basic-auth user name).</summary>
    public string? AccountSid { get; set; }

    /// <summary>The token (basic-auth password); never logged.</summary>
    public string? AuthToken { get; set; }

    /// <summary>The sending number in E.164.</summary>
    public string? From { get; set; }

    /// <summary>A messaging service id, sent instead of From when set.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>
    /// The public address the gateway posts replies to (scheme and host, e.g. https://careflow.example.org) when a proxy
    /// stands in front of careflow; the signature of a reply covers the address the gateway used. Empty: the request's own.
    /// </summary>
    public string? WebhookBaseUrl { get; set; }
}

/// <summary>A webhook that takes a JSON message for the patient portal.</summary>
public sealed class WebhookOptions
{
    /// <summary>The URL; the portal channel is off while it is empty.</summary>
    public string? Url { get; set; }

    /// <summary>A bearer token sent with each message; never logged.</summary>
    public string? BearerToken { get; set; }
}
