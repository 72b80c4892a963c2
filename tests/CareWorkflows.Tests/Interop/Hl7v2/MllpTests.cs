using System.Text;
using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Tests.Interop.Hl7v2;

/// <summary>MLLP framing: frames in a stream, and what is wrong with bytes that are not a frame.</summary>
public sealed class MllpTests
{
    [Fact]
    public async Task ReadAsync_FramesSplitAcrossReads_ReadsEachMessage()
    {
        var bytes = Mllp.Frame("MSH|one\r").Concat(Mllp.Frame("MSH|twö\r")).ToArray();

        var frames = await ReadAllAsync(new TrickleStream(bytes, 3));

        Assert.Equal([("MSH|one\r", null), ("MSH|twö\r", null)], frames.Select(f => (f.Text, f.Problem)));
    }

    [Fact]
    public async Task ReadAsync_GarbageThenFrame_ReportsBothInOrder()
    {
        var bytes = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n").Concat(Mllp.Frame("MSH|good\r")).ToArray();

        var frames = await ReadAllAsync(new MemoryStream(bytes));

        Assert.Equal(2, frames.Count);
        Assert.Contains("outside an MLLP frame", frames[0].Problem, StringComparison.Ordinal);
        Assert.Equal(("MSH|good\r", null), (frames[1].Text, frames[1].Problem));
    }

    [Fact]
    public async Task ReadAsync_BrokenFrames_AreReportedAndReadingGoesOn()
    {
        var bytes = new List<byte> { Mllp.StartBlock };
        bytes.AddRange(Encoding.ASCII.GetBytes("MSH|cut"));
        bytes.AddRange(Mllp.Frame("MSH|next\r"));
        bytes.Add(Mllp.StartBlock);
        bytes.AddRange(Encoding.ASCII.GetBytes("MSH|no-cr"));
        bytes.Add(Mllp.EndBlock);
        bytes.Add((byte)'x');
        bytes.AddRange(Mllp.Frame("MSH|last\r"));
        bytes.Add(Mllp.StartBlock);
        bytes.AddRange(Encoding.ASCII.GetBytes("MSH|unfinished"));

        var frames = await ReadAllAsync(new MemoryStream([.. bytes]));

        Assert.Equal(5, frames.Count);
        Assert.Contains("new start block", frames[0].Problem, StringComparison.Ordinal);
        Assert.Equal(("MSH|next\r", null), (frames[1].Text, frames[1].Problem));
        Assert.Contains("not followed by 0x0D", frames[2].Problem, StringComparison.Ordinal);
        Assert.Equal(("MSH|last\r", null), (frames[3].Text, frames[3].Problem));
        Assert.Contains("closed before the frame ended", frames[4].Problem, StringComparison.Ordinal);
    }

    private static async Task<List<MllpFrame>> ReadAllAsync(Stream stream)
    {
        var frames = new List<MllpFrame>();
        await foreach (var frame in Mllp.ReadAsync(stream, CancellationToken.None))
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Gives at most a few bytes per read, as a slow network does.</summary>
    private sealed class TrickleStream(byte[] bytes, int chunk) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }
}
