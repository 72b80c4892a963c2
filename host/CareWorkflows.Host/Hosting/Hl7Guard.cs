using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// Answers every unit an HL7 source delivers, whatever happens: a good frame goes to the feed, a bad one is
/// refused with AR, and a failure of careflow itself (the database unreachable ...) is answered AE 207 so that
/// the sender keeps the message and sends it again, while the listener goes on.
/// </summary>
internal sealed partial class Hl7Guard(AdtFeed feed, TimeProvider time, ILogger<Hl7Guard> logger)
{
    /// <summary>The ACK for one unit.</summary>
    public async Task<AdtAnswer> AnswerAsync(MllpFrame frame, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        try
        {
            return frame.Problem is null
                ? await feed.HandleAsync(frame.Text, source, cancellationToken)
                : await feed.RefuseFrameAsync(frame.Text, frame.Problem, source, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, source);
            var error = new Hl7Error(AckCode.Error, ErrorCondition.ApplicationInternalError, "", 0,
                "careflow could not take the message because of an internal error; nothing of it was applied. Send it again; the careflow log has the details.");
            return new AdtAnswer(AckCode.Error, AckBuilder.Refuse(frame.Text, error, time.GetUtcNow()), null, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "HL7 message from {Source} could not be handled; answered AE 207")]
    private static partial void LogFailed(ILogger logger, Exception exception, string source);
}
