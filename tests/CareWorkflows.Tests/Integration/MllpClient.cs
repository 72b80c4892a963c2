using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CareWorkflows.Tests.Integration;

/// <summary>One ACK as a sender reads it: MSA-1, MSA-2, MSA-3, ERR-2, ERR-3 (first component) and ERR-8, split by hand.</summary>
public sealed record AckView(string Code, string ControlId, string Text, string ErrorLocation, string ErrorCode, string ErrorText, string Raw)
{
    public static AckView Parse(string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var segments = raw.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('|')).ToList();
        Assert.True(segments.Count >= 2 && segments[0][0] == "MSH" && segments[1][0] == "MSA", $"not an ACK: {raw}");
        string At(string[] fields, int i) => i < fields.Length ? fields[i] : "";
        var msa = segments[1];
        var err = segments.FirstOrDefault(s => s[0] == "ERR") ?? [];
        return new AckView(At(msa, 1), At(msa, 2), At(msa, 3), At(err, 2), At(err, 3).Split('^')[0], At(err, 8), raw);
    }
}

/// <summary>A plain TCP client speaking MLLP to careflow: frames written by hand, answers read up to 0x1C 0x0D.</summary>
public sealed class MllpClient : IAsyncDisposable
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private MllpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<MllpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new MllpClient(client);
    }

    /// <summary>Sends one message in a frame and reads its ACK.</summary>
    public async Task<AckView> SendAsync(string message)
    {
        await WriteAsync([0x0B, .. Encoding.UTF8.GetBytes(message), 0x1C, 0x0D]);
        return await ReadAckAsync();
    }

    /// <summary>Writes bytes as they are (garbage, broken frames).</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads the next framed answer.</summary>
    public async Task<AckView> ReadAckAsync()
    {
        using var timeout = new CancellationTokenSource(AnswerTimeout);
        var buffer = new byte[4096];
        while (true)
        {
            var start = _pending.IndexOf(0x0B);
            var end = _pending.IndexOf(0x1C);
            if (start >= 0 && end > start && end + 1 < _pending.Count)
            {
                Assert.Equal(0x0D, _pending[end + 1]);
                var text = Encoding.UTF8.GetString([.. _pending.Skip(start + 1).Take(end - start - 1)]);
                _pending.RemoveRange(0, end + 2);
                return AckView.Parse(text);
            }

            var read = await _stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, "careflow closed the connection instead of answering");
            _pending.AddRange(buffer.Take(read));
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>ADT messages for the integration tests, for practice 'lakeside' (MSH-6 LAKESIDE) from MERCY hospital.</summary>
public static class AdtMessages
{
    /// <summary>The OID of the test hospital's MRN assigning authority.</summary>
    public const string MercyOid = "2.16.840.1.113883.3.999";

    public static string Stamp(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+0000";

    /// <summary>An ADT message; PV1 is built with patient class, disposition (PV1-36) and discharge time (PV1-45).</summary>
    public static string Adt(string trigger, string controlId, string mrn, string patientClass = "I", string? disposition = "01", DateTimeOffset? at = null,
        string facility = "LAKESIDE", string pid3 = "", string version = "2.5.1", string messageType = "ADT", string? dischargedAt = null)
    {
        var when = Stamp(at ?? CareflowApi.Now);
        var pv1 = new string[46];
        Array.Fill(pv1, "");
        pv1[0] = "PV1";
        pv1[1] = "1";
        pv1[2] = patientClass;
        pv1[3] = "4W^412^1";
        pv1[36] = disposition ?? "";
        pv1[45] = dischargedAt ?? (trigger == "A03" ? when : "");
        var identifiers = pid3.Length > 0 ? pid3 : $"{mrn}^^^MERCY&{MercyOid}&ISO^MR~900112222^^^USSSA^SS";
        return $"MSH|^~\\&|EPICADT|MERCY|CAREFLOW|{facility}|{when}||{messageType}^{trigger}^ADT_{trigger}|{controlId}|P|{version}\r" +
            $"EVN|{trigger}|{when}\r" +
            $"PID|1||{identifiers}||TESTPATIENT^RUTH^M||19500412|F\r" +
            string.Join('|', pv1) + "\r";
    }
}
