namespace CareWorkflows.Engine.Contacts;

/// <summary>Message channels a reminder can go by without staff.</summary>
public static class MessageChannels
{
    /// <summary>A text message through the SMS gateway.</summary>
    public const string Sms = "sms";

    /// <summary>An email through the SMTP server.</summary>
    public const string Email = "email";

    /// <summary>A patient-portal message through the portal webhook.</summary>
    public const string Portal = "portal";

    /// <summary>Every channel a patient may consent to, in the order a reminder falls back through them.</summary>
    public static IReadOnlyList<string> All { get; } = [Sms, Email, Portal];
}

/// <summary>A patient's consent to one channel given or taken back: when, how and by whom.</summary>
/// <param name="Channel">sms, email, portal, or all.</param>
/// <param name="Action">opt-out or opt-in.</param>
/// <param name="At">When.</param>
/// <param name="Via">How: staff (through the API) or sms-reply (the patient answered STOP or START).</param>
/// <param name="By">The staff member, for staff changes.</param>
public sealed record ConsentChange(string Channel, string Action, DateTimeOffset At, string Via, string? By);

/// <summary>How to reach a patient and what they agreed to. Patient data: never written to a log.</summary>
public sealed record PatientContact
{
    /// <summary>The practice.</summary>
    public required string PracticeId { get; init; }

    /// <summary>The patient.</summary>
    public required string PatientId { get; init; }

    /// <summary>The first name messages greet the patient with.</summary>
    public string? FirstName { get; init; }

    /// <summary>The phone number as given.</summary>
    public string? Phone { get; init; }

    /// <summary>The phone number in E.164 when it can take text messages; null otherwise.</summary>
    public string? PhoneE164 { get; init; }

    /// <summary>The email address.</summary>
    public string? Email { get; init; }

    /// <summary>The patient's id in the portal, if it differs from the patient id.</summary>
    public string? PortalId { get; init; }

    /// <summary>The patient's time zone (IANA), when it differs from the practice's.</summary>
    public string? TimeZone { get; init; }

    /// <summary>When the patient is best reached, as staff wrote it (shown on registry lists).</summary>
    public string? BestTime { get; init; }

    /// <summary>The staff member who last recorded these details, if known.</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>When these details were last recorded.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The channels the patient consented to.</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];

    /// <summary>Every opt-out and opt-in, oldest first.</summary>
    public IReadOnlyList<ConsentChange> ConsentChanges { get; init; } = [];

    /// <summary>The opt-out in force for a channel (its own, or one for all channels), if any.</summary>
    public ConsentChange? OptOutOf(string channel)
    {
        var last = ConsentChanges.LastOrDefault(c => c.Channel == channel || c.Channel == "all");
        return last?.Action == "opt-out" ? last : null;
    }

    /// <summary>Why a channel may not be used (no consent, opted out), or null when it may.</summary>
    public string? ConsentProblem(string channel)
    {
        if (OptOutOf(channel) is { } optOut)
        {
            return $"{channel}: the patient opted out ({(optOut.Via == "sms-reply" ? "replied STOP" : "staff recorded it")} on {optOut.At:yyyy-MM-dd HH:mm} UTC)";
        }

        return Channels.Contains(channel, StringComparer.Ordinal) ? null : $"{channel}: the patient has not consented to it";
    }
}
