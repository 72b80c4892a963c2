using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>The answer to one message: the ACK to send back, and what happened.</summary>
/// <param name="Ack">AA, AE or AR.</param>
/// <param name="Message">The ACK message (ER7, segments ending with CR).</param>
/// <param name="EventId">The event the message became, when it got that far.</param>
/// <param name="Error">Why it was refused.</param>
internal sealed record AdtAnswer(AckCode Ack, string Message, string? EventId, Hl7Error? Error);

/// <summary>
/// Takes one HL7 v2 ADT message, from the MLLP listener or a drop file, through to the store: parse, read, find the
/// patient by medical record number, submit the event on the same path as POST /api/practices/{p}/events, and
/// answer with an ACK. A message answered AE or AR is kept for review. Logs carry the control id, practice, event
/// id and where the message came from, never patient data.
/// </summary>
internal sealed partial class AdtFeed(
    DefinitionHistory definitions, RuntimeStore store, PatientIdentifierStore identifiers, RejectedMessageStore rejected, TimeProvider time, ILogger<AdtFeed> logger)
{
    /// <summary>Handles one message; <paramref name="source"/> says where it came from, for the review list and the log.</summary>
    public async Task<AdtAnswer> HandleAsync(string raw, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var now = time.GetUtcNow();
        AdtNotice notice;
        try
        {
            notice = AdtMapping.Read(Er7Parser.Parse(raw), [.. definitions.Current.Practices.Values], now);
        }
        catch (Hl7Exception ex)
        {
            return await RefuseAsync(raw, source, ex.Error, cancellationToken);
        }

        var keys = notice.Identifiers.SelectMany(i => i.Systems.Select(s => (s, i.Value))).ToList();
        var patients = await identifiers.FindAsync(notice.PracticeId, keys, cancellationToken);
        if (patients.Count != 1)
        {
            var authorities = string.Join(", ", notice.Identifiers.Select(i => i.Systems[0]).Distinct());
            var error = Hl7Error.At(AckCode.Error, patients.Count == 0 ? ErrorCondition.UnknownKeyIdentifier : ErrorCondition.DuplicateKeyIdentifier, notice.Pid, 3,
                patients.Count == 0
                    ? $"no patient of practice '{notice.PracticeId}' has this medical record number (assigning authority {authorities}). Import the patient with the MRN first (FHIR Patient.identifier of type MR, or the member list's mrn column), then send the message again."
                    : $"the medical record numbers of PID-3 name {patients.Count} different patients of practice '{notice.PracticeId}'. Correct the identifiers in careflow or in the message, then send it again.");
            return await RefuseAsync(raw, source, error, cancellationToken, notice.PracticeId);
        }

        var @event = new WorkflowEvent
        {
            EventId = notice.EventId,
            PracticeId = notice.PracticeId,
            PatientId = patients[0],
            Type = notice.EventType,
            At = notice.At,
            Data = notice.Data,
            By = "hl7:" + notice.Sender,
        };
        var result = (await store.SubmitAsync([@event], cancellationToken))[0];
        if (result.Status == SubmissionStatus.Failed)
        {
            var error = new Hl7Error(AckCode.Error, ErrorCondition.ApplicationInternalError, "", 0,
                $"the message was stored as event {notice.EventId} but could not be applied: {result.Error} It is kept with its error (GET /api/practices/{notice.PracticeId}/inbox/failed); sending the message again retries it.");
            return await RefuseAsync(raw, source, error, cancellationToken, notice.PracticeId);
        }

        LogAccepted(logger, notice.ControlId, notice.PracticeId, notice.EventId, notice.EventType, result.Status == SubmissionStatus.Duplicate, source);
        var text = result.Status == SubmissionStatus.Duplicate
            ? $"{notice.EventId} was applied before; nothing done again"
            : $"{notice.EventType} {notice.EventId} applied";
        return new AdtAnswer(AckCode.Accept, AckBuilder.Accept(raw, text, now), notice.EventId, null);
    }

    /// <summary>Answers bytes that were not a well-formed MLLP frame with an AR, and keeps them for review.</summary>
    public Task<AdtAnswer> RefuseFrameAsync(string raw, string problem, string source, CancellationToken cancellationToken) =>
        RefuseAsync(raw, source, new Hl7Error(AckCode.Reject, ErrorCondition.SegmentSequence, "", 0, problem), cancellationToken);

    private async Task<AdtAnswer> RefuseAsync(string raw, string source, Hl7Error error, CancellationToken cancellationToken, string? practiceId = null)
    {
        var header = Er7Parser.TryHeader(raw);
        practiceId ??= header is { } h ? AdtMapping.PracticeOf(h.Header, [.. definitions.Current.Practices.Values]) : null;
        var controlId = header?.Header.Value(10) is { Length: > 0 and <= 200 } id ? id : null;
        await rejected.AddAsync(new RejectedMessageRow
        {
            PracticeId = practiceId ?? "",
            ReceivedAt = time.GetUtcNow(),
            Source = source,
            ControlId = controlId,
            MessageType = header?.Header.Raw(9) is { Length: > 0 and <= 100 } type ? type : null,
            Ack = AckBuilder.Code(error.Ack),
            Condition = error.Condition,
            Location = error.Location,
            Error = error.ToString(),
            Message = raw,
        }, cancellationToken);
        LogRefused(logger, controlId, practiceId, AckBuilder.Code(error.Ack), error.Condition, error.Location, source);
        return new AdtAnswer(error.Ack, AckBuilder.Refuse(raw, error, time.GetUtcNow()), null, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HL7 message {ControlId} for practice {PracticeId} became {EventType} {Event} (duplicate: {Duplicate}); from {Source}")]
    private static partial void LogAccepted(ILogger logger, string controlId, string practiceId, string @event, string eventType, bool duplicate, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HL7 message {ControlId} for practice {PracticeId} answered {Ack} (HL7 error {Condition} at {Location}); from {Source}; kept for review")]
    private static partial void LogRefused(ILogger logger, string? controlId, string? practiceId, string ack, int condition, string location, string source);
}
