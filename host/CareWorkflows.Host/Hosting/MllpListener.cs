using System.Net;
using System.Net.Sockets;
using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// Listens for HL7 v2 over MLLP (--mllp-port): each connection is served on its own, message after message, each
/// answered with an ACK in its own frame. A garbled frame is answered AR and the connection goes on; nothing a
/// sender does stops the listener.
/// </summary>
internal sealed partial class MllpListener(ServeOptions options, Hl7Guard guard, ILogger<MllpListener> logger) : BackgroundService
{
    private TcpListener? _listener;

    /// <summary>The address listened on, once started.</summary>
    public IPEndPoint? Endpoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>Binds the port before the host says it is running, so a port in use stops the start with a clear error.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new TcpListener(IPAddress.Parse(options.MllpAddress), options.MllpPort!.Value);
        _listener.Start(backlog: 128);
        var endpoint = Endpoint!.ToString();
        LogListening(logger, endpoint);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connections = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await _listener!.AcceptTcpClientAsync(stoppingToken);
                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(client, stoppingToken));
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            _listener!.Stop();
            await Task.WhenAll(connections);
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var source = $"mllp {client.Client.RemoteEndPoint}";
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                await foreach (var frame in Mllp.ReadAsync(stream, stoppingToken))
                {
                    var answer = await guard.AnswerAsync(frame, source, stoppingToken);
                    await Mllp.WriteAsync(stream, answer.Message, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
            catch (IOException ex)
            {
                LogConnectionLost(logger, source, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HL7 MLLP listener on {Endpoint}")]
    private static partial void LogListening(ILogger logger, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "HL7 MLLP connection {Source} lost: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, string source, string reason);
}
