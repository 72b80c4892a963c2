using System.Globalization;
using CareWorkflows.Engine.Contacts;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.GroupVisits;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MimeKit;
using Polly;
using Polly.Retry;

namespace CareWorkflows.Engine.Reminders;

/// <summary>
/// Sends the reminders the workflows queued: at the next allowed hour, in the patient's language, by the first channel
/// the patient consented to and can be reached on; with retries and backoff (Polly); or, when no message may or could
/// reach the patient, as a task on the practice's call list. See <see cref="ReminderLedger"/> for why a crash never
/// makes a receiver act on a reminder twice.
/// </summary>
internal sealed partial class DeliveryWorker : BackgroundService
{
    private readonly ReminderLedger _ledger;
    private readonly RuntimeStore _runtime;
    private readonly ContactBook _contacts;
    private readonly GroupVisitStore _groupVisits;
    private readonly DefinitionHistory _definitions;
    private readonly Dictionary<string, IReminderChannel> _channels;
    private readonly ReminderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DeliveryWorker> _logger;
    private readonly ResiliencePipeline _retry;

    public DeliveryWorker(ReminderLedger ledger, RuntimeStore runtime, ContactBook contacts, GroupVisitStore groupVisits, DefinitionHistory definitions,
        IEnumerable<IReminderChannel> channels, ReminderOptions options, TimeProvider time, ILogger<DeliveryWorker> logger)
    {
        (_ledger, _runtime, _contacts, _groupVisits, _definitions, _options, _time, _logger) = (ledger, runtime, contacts, groupVisits, definitions, options, time, logger);
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<DeliveryFailedException>(e => !e.Permanent),
                MaxRetryAttempts = options.Retries,
                Delay = TimeSpan.FromSeconds(options.RetryDelaySeconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(_logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            });
        }

        _retry = builder.Build();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Deliver)
        {
            LogOff(_logger);
            return;
        }

        await _ledger.ReleaseLeasesAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) < _options.BatchSize)
                {
                    await Task.Delay(TimeSpan.FromSeconds(_options.PollSeconds), _time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
            {
                // The database was busy or gone for a while (SQLite busy, PostgreSQL down); the ledger still holds every reminder.
                LogPassFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, _options.PollSeconds)), _time, stoppingToken);
            }
        }
    }

    /// <summary>One pass: claims the reminders due now and delivers them.</summary>
    /// <returns>How many were claimed.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var batch = await _ledger.ClaimAsync(_time.GetUtcNow(), _options.BatchSize, TimeSpan.FromSeconds(_options.LeaseSeconds), cancellationToken);
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = cancellationToken }, DeliverAsync);
        return batch.Count;
    }

    private async ValueTask DeliverAsync(ReminderDelivery reminder, CancellationToken cancellationToken)
    {
        var definitions = _definitions.Current;
        var practice = definitions.Practice(reminder.PracticeId);
        var contact = await _contacts.GetAsync(reminder.PracticeId, reminder.PatientId, cancellationToken);
        var zone = contact?.TimeZone is { } name && TimeZoneInfo.TryFindSystemTimeZoneById(name, out var own) ? own : practice.TimeZone;
        var now = _time.GetUtcNow();
        var allowed = QuietHours.NextAllowed(now, zone, practice.RemindFrom, practice.RemindUntil);
        if (allowed > now)
        {
            var local = TimeZoneInfo.ConvertTime(allowed, zone).ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
            await _ledger.DeferAsync(reminder, allowed, $"quiet hours: waits until {local}", cancellationToken);
            LogDeferred(_logger, reminder.Key, allowed);
            return;
        }

        if (reminder.Attempts > _options.MaxDeliveries)
        {
            await CallListAsync(reminder, practice, $"delivery was started {reminder.Attempts - 1} times without an outcome", cancellationToken);
            return;
        }

        var wanted = reminder.Channel ?? ReminderMessage.DefaultChannel;
        if (!MessageChannels.All.Contains(wanted))
        {
            await CallListAsync(reminder, practice, $"the reminder step asks for '{wanted}': staff make that contact", cancellationToken);
            return;
        }

        if (contact is null)
        {
            await CallListAsync(reminder, practice, "no contact details or consent on file (PUT .../patients/{id}/contact)", cancellationToken);
            return;
        }

        var reasons = new List<string>();
        foreach (var channelName in MessageChannels.All.Where(c => c != wanted).Prepend(wanted))
        {
            var channel = _channels[channelName];
            var to = contact.ConsentProblem(channelName) is { } consent ? Refuse(consent)
                : channel.Unavailable is { } unavailable ? Refuse(unavailable)
                : Address(channelName, contact, practice, reasons);
            if (to is null)
            {
                continue;
            }

            string text;
            SessionInfo? session;
            try
            {
                var model = await ModelAsync(reminder, practice, contact, zone, definitions.Templates, now, cancellationToken);
                session = model.Session;
                text = definitions.Templates.Render(reminder.Template, reminder.Language, model);
            }
            catch (Exception ex) when (ex is InvalidOperationException or Fluid.FluidException or FormatException)
            {
                reasons.Add($"the template could not be written: {ex.Message}");
                break;
            }

            var message = new OutgoingMessage(reminder.Key, reminder.PracticeId, reminder.PatientId, reminder.Template, reminder.Language, text, practice.Name, to)
            {
                Invite = channelName == MessageChannels.Email ? session : null,
            };
            try
            {
                var reference = await _retry.ExecuteAsync(async token => await channel.SendAsync(message, token), cancellationToken);
                await _ledger.SentAsync(reminder, channelName, reference, _time.GetUtcNow(), cancellationToken);
                LogSent(_logger, reminder.Key, channelName, reminder.Language);
                return;
            }
            catch (DeliveryFailedException ex)
            {
                // No other channel after a failed send: a message the receiver took but did not acknowledge must not
                // reach the patient twice by two routes. Staff decide.
                reasons.Add(ex.Permanent ? ex.Message : $"{ex.Message} ({_options.Retries + 1} tries)");
                break;
            }
        }

        await CallListAsync(reminder, practice, string.Join("; ", reasons.Distinct()), cancellationToken);

        string? Refuse(string reason)
        {
            reasons.Add(reason);
            return null;
        }
    }

    private static string? Address(string channel, PatientContact contact, PracticeSettings practice, List<string> reasons)
    {
        switch (channel)
        {
            case MessageChannels.Sms:
                if (contact.PhoneE164 is { } phone)
                {
                    return phone;
                }

                reasons.Add($"sms: {PhoneNumberCheck.Normalize(contact.Phone, practice.PhoneRegion).Problem ?? "no usable phone number on file"}");
                return null;
            case MessageChannels.Email:
                if (contact.Email is { } email && MailboxAddress.TryParse(email, out _))
                {
                    return email;
                }

                reasons.Add(contact.Email is null ? "email: no email address on file" : "email: the email address on file is not valid");
                return null;
            default:
                return contact.PortalId ?? contact.PatientId;
        }
    }

    private async Task<TemplateModel> ModelAsync(ReminderDelivery reminder, PracticeSettings practice, PatientContact contact, TimeZoneInfo zone, TemplateSet templates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset? start = reminder.Data.TryGetValue("appointment.start", out var text)
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) : null;
        var session = templates.ShowsSession(reminder.Template, reminder.Language)
            ? await _groupVisits.NextSessionForAsync(reminder.PracticeId, reminder.PatientId, now, cancellationToken)
            : null;
        return new TemplateModel
        {
            FirstName = contact.FirstName ?? "",
            PracticeName = practice.Name,
            PracticePhone = practice.Phone ?? "",
            AppointmentStart = start,
            AppointmentPlace = reminder.Data.GetValueOrDefault("appointment.place") ?? "",
            Session = session,
            TimeZone = zone,
        };
    }

    // The task is made by the step function from an event whose id is the reminder's: a crash before the ledger
    // records it sends the same event again, which is a duplicate, so the call list gets one task.
    private async Task CallListAsync(ReminderDelivery reminder, PracticeSettings practice, string reason, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["reminder"] = reminder.Id,
            ["instance"] = reminder.InstanceId,
            ["step"] = reminder.StepId,
            ["template"] = reminder.Template,
            ["language"] = reminder.Language,
            ["reason"] = reason,
        };
        if (reminder.Channel is { } channel)
        {
            data["channel"] = channel;
        }

        var results = await _runtime.SubmitAsync([new WorkflowEvent
        {
            EventId = $"{CallList.ReminderUndeliverable}:{reminder.Key}",
            PracticeId = reminder.PracticeId,
            PatientId = reminder.PatientId,
            Type = CallList.ReminderUndeliverable,
            At = _time.GetUtcNow(),
            Data = data,
        }], cancellationToken);
        if (results.Any(r => r.Status == SubmissionStatus.Failed))
        {
            throw new InvalidOperationException($"The call-list event of reminder {reminder.Key} failed: {results[0].Error}");
        }

        var task = CallList.TaskId(reminder.Id);
        await _ledger.CallListedAsync(reminder, reason, task, cancellationToken);
        LogCallList(_logger, reminder.Key, task, practice.CallListRole);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder {Key} sent by {Channel} in {Language}")]
    private static partial void LogSent(ILogger logger, string key, string channel, string language);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminder {Key} waits for the end of quiet hours at {Until}")]
    private static partial void LogDeferred(ILogger logger, string key, DateTimeOffset until);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminder {Key} could not be sent; call-list task {TaskId} for {Role}")]
    private static partial void LogCallList(ILogger logger, string key, string taskId, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A send failed; try {Attempt} in {Delay}: {Problem}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reminders are not delivered (Reminders:Deliver is false): they stay queued in the ledger")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A delivery pass failed; the next pass takes the same reminders again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
