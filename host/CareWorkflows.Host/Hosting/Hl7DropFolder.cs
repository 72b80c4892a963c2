using System.Text;
using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// Watches the HL7 drop folder (--hl7-drop): every *.hl7 file (one or more messages, plain ER7 or MLLP-framed) is
/// taken once it has not changed for a second; each message is answered as over MLLP. The file then moves to
/// processed/ when every message was accepted, else to rejected/, with its ACKs beside it (name.hl7.ack) and, for
/// rejected files, what was wrong (name.hl7.error). Messages accepted from a rejected file stay applied; dropping
/// the file again changes nothing for them (same event ids).
/// </summary>
internal sealed partial class Hl7DropFolder(ServeOptions options, Hl7Guard guard, TimeProvider time, ILogger<Hl7DropFolder> logger) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private string Folder => options.Hl7DropDirectory!;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        Directory.CreateDirectory(Path.Join(Folder, "processed"));
        Directory.CreateDirectory(Path.Join(Folder, "rejected"));
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                foreach (var file in Directory.EnumerateFiles(Folder, "*.hl7").Order(StringComparer.Ordinal))
                {
                    if (time.GetUtcNow() - File.GetLastWriteTimeUtc(file) >= Quiet)
                    {
                        await TakeAsync(file, stoppingToken);
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task TakeAsync(string file, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        }
        catch (IOException ex)
        {
            // Still being written, or gone: the next round tries again.
            LogUnreadable(logger, name, ex.Message);
            return;
        }

        var acks = new StringBuilder();
        var errors = new StringBuilder();
        var frames = await Hl7File.ReadAsync(bytes, cancellationToken);
        for (var i = 0; i < frames.Count; i++)
        {
            var answer = await guard.AnswerAsync(frames[i], $"file {name}, message {i + 1}", cancellationToken);
            acks.Append(answer.Message.Replace("\r", "\r\n", StringComparison.Ordinal)).Append("\r\n");
            if (answer.Error is { } error)
            {
                errors.Append("message ").Append(i + 1).Append(": ").Append(AckBuilder.Code(answer.Ack)).Append(' ').AppendLine(error.ToString());
            }
        }

        if (frames.Count == 0)
        {
            errors.AppendLine("the file holds no HL7 message. A drop file holds one or more HL7 v2 messages, each starting with an MSH segment.");
        }

        var target = Path.Join(Folder, errors.Length == 0 ? "processed" : "rejected", name);
        target = FreeName(target);
        File.Move(file, target);
        await File.WriteAllTextAsync(target + ".ack", acks.ToString(), cancellationToken);
        if (errors.Length > 0)
        {
            await File.WriteAllTextAsync(target + ".error", errors.ToString(), cancellationToken);
        }

        var folder = errors.Length == 0 ? "processed" : "rejected";
        var moved = Path.GetFileName(target);
        LogTaken(logger, name, frames.Count, folder, moved);
    }

    private static string FreeName(string path)
    {
        var candidate = path;
        for (var n = 2; File.Exists(candidate) || File.Exists(candidate + ".ack"); n++)
        {
            candidate = Path.Join(Path.GetDirectoryName(path), $"{Path.GetFileNameWithoutExtension(path)}-{n}{Path.GetExtension(path)}");
        }

        return candidate;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HL7 drop file {File}: {Messages} messages, moved to {Folder}/{Target}")]
    private static partial void LogTaken(ILogger logger, string file, int messages, string folder, string target);

    [LoggerMessage(Level = LogLevel.Debug, Message = "HL7 drop file {File} not readable yet: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string file, string reason);
}
