using System.Runtime.CompilerServices;
using System.Text;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// One unit read from an MLLP stream: a message (the bytes between 0x0B and 0x1C 0x0D, as text), or bytes that
/// were not a well-formed frame, with what was wrong. Either is answered; neither ends the connection.
/// </summary>
/// <param name="Text">The frame's content (UTF-8, or Latin-1 when it is not valid UTF-8); for a bad frame, what could be read of it.</param>
/// <param name="Problem">Null for a good frame; else what was wrong with the framing and how to fix it.</param>
internal sealed record MllpFrame(string Text, string? Problem);

/// <summary>
/// Minimal Lower Layer Protocol (HL7 v2 Transport Specification: MLLP, release 2): each message is sent as
/// 0x0B, the message, 0x1C 0x0D. The reader takes frames one after another from a stream; bytes outside a frame,
/// a frame cut short by a new 0x0B, an end block not followed by 0x0D and a frame above the size limit are
/// reported as bad frames and reading goes on with the next 0x0B.
/// </summary>
internal static class Mllp
{
    /// <summary>Start block.</summary>
    public const byte StartBlock = 0x0B;

    /// <summary>End block, followed by <see cref="CarriageReturn"/>.</summary>
    public const byte EndBlock = 0x1C;

    /// <summary>Ends the frame after the end block.</summary>
    public const byte CarriageReturn = 0x0D;

    /// <summary>The largest message taken: 1 MiB (an ADT message is a few kilobytes).</summary>
    public const int MaxMessageBytes = 1 << 20;

    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The frame for a message: 0x0B, UTF-8 text, 0x1C 0x0D.</summary>
    public static byte[] Frame(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = Encoding.UTF8.GetBytes(message);
        var frame = new byte[body.Length + 3];
        frame[0] = StartBlock;
        body.CopyTo(frame, 1);
        frame[^2] = EndBlock;
        frame[^1] = CarriageReturn;
        return frame;
    }

    /// <summary>Writes one framed message and flushes.</summary>
    public static async Task WriteAsync(Stream stream, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(Frame(message), cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>Reads frames until the stream ends; the bytes of an unfinished frame at the end are reported too.</summary>
    public static async IAsyncEnumerable<MllpFrame> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[8192];
        var current = new MemoryStream();
        var outside = new MemoryStream();
        var inFrame = false;
        var sawEnd = false;
        var tooLong = false;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            var frames = new List<MllpFrame>();
            for (var i = 0; i < read; i++)
            {
                var b = buffer[i];
                if (!inFrame)
                {
                    if (b == StartBlock)
                    {
                        if (Outside(outside) is { } stray)
                        {
                            frames.Add(stray);
                        }

                        inFrame = true;
                        sawEnd = false;
                        tooLong = false;
                        current.SetLength(0);
                    }
                    else if (outside.Length < 4096)
                    {
                        outside.WriteByte(b);
                    }

                    continue;
                }

                if (sawEnd)
                {
                    inFrame = false;
                    frames.Add(b == CarriageReturn
                        ? Message(current, tooLong)
                        : new MllpFrame(Text(current), "the end block 0x1C is not followed by 0x0D. End every frame with 0x1C 0x0D."));
                    if (b != CarriageReturn && b == StartBlock)
                    {
                        inFrame = true;
                        current.SetLength(0);
                    }

                    sawEnd = false;
                    tooLong = false;
                    continue;
                }

                if (b == EndBlock)
                {
                    sawEnd = true;
                }
                else if (b == StartBlock)
                {
                    frames.Add(new MllpFrame(Text(current), "a new start block 0x0B came before the end of the frame (0x1C 0x0D). The frame before it was cut short; send it again whole."));
                    current.SetLength(0);
                    tooLong = false;
                }
                else if (current.Length < MaxMessageBytes)
                {
                    current.WriteByte(b);
                }
                else
                {
                    tooLong = true;
                }
            }

            foreach (var frame in frames)
            {
                yield return frame;
            }
        }

        if (inFrame && (current.Length > 0 || sawEnd))
        {
            yield return new MllpFrame(Text(current), "the connection closed before the frame ended with 0x1C 0x0D.");
        }
        else if (Outside(outside) is { } stray)
        {
            yield return stray;
        }
    }

    private static MllpFrame Message(MemoryStream current, bool tooLong) => tooLong
        ? new MllpFrame(Text(current), $"the frame is longer than {MaxMessageBytes / 1024} KiB, more than any ADT message. Send one message per frame.")
        : new MllpFrame(Text(current), null);

    private static MllpFrame? Outside(MemoryStream outside)
    {
        var bytes = outside.ToArray();
        outside.SetLength(0);
        return bytes.All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t' or 0)
            ? null
            : new MllpFrame(Decode(bytes), "bytes outside an MLLP frame. Send each message as 0x0B, the message, 0x1C 0x0D.");
    }

    private static string Text(MemoryStream current) => Decode(current.ToArray());

    /// <summary>UTF-8 (ASCII included); a message that is not valid UTF-8 is read as Latin-1 (MSH-18 8859/1).</summary>
    public static string Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
