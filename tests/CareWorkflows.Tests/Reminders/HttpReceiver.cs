using System.Collections.Concurrent;
using System.Net;
using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Reminders;

/// <summary>One request the receiver took.</summary>
public sealed record ReceivedRequest(string Path, string? IdempotencyKey, string? Authorization, string ContentType, string Body);

/// <summary>
/// A local HTTP server standing in for an SMS gateway or a portal: it records every request and, like a real
/// receiver, keeps its own record of messages by Idempotency-Key, acting on a key once. It can be told to fail
/// the first requests (503) or to refuse them (400), and to take its time.
/// </summary>
public sealed class HttpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ReceivedRequest> _record = new(StringComparer.Ordinal);
    private readonly Task _loop;
    private int _failuresLeft;

    public HttpReceiver()
    {
        for (var tries = 0; ; tries++)
        {
            Port = LoopbackPort.Free();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (tries < 5)
            {
                // The port was taken between finding and binding it.
            }
        }

        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}/{path.TrimStart('/')}");

    /// <summary>Every request, repeats included, in arrival order.</summary>
    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    /// <summary>The receiver's own record: one message per idempotency key, the first that came.</summary>
    public IReadOnlyDictionary<string, ReceivedRequest> Record => _record;

    /// <summary>Answer this many requests with 503 before accepting.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>Answer every request with 400 (a number the gateway refuses).</summary>
    public bool Refuse { get; set; }

    /// <summary>Time taken per request, to make a burst last.</summary>
    public TimeSpan Delay { get; set; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The listener's loop ends with an exception when it is stopped.
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream);
        var request = new ReceivedRequest(context.Request.Url!.AbsolutePath, context.Request.Headers["Idempotency-Key"], context.Request.Headers["Authorization"],
            context.Request.ContentType ?? "", await reader.ReadToEndAsync());
        _requests.Enqueue(request);
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        int status;
        if (Refuse)
        {
            status = 400;
        }
        else if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            status = 503;
        }
        else
        {
            status = 201;
            if (request.IdempotencyKey is { } key)
            {
                _record.TryAdd(key, request);
            }
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = System.Text.Encoding.UTF8.GetBytes(status == 201 ? $"{{\"sid\":\"SM{Guid.NewGuid():N}\"}}" : "{\"message\":\"no\"}");
        try
        {
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The sender went away (killed mid-request): its record stays as it is.
        }
    }
}
