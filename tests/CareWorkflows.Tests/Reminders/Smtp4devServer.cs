using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using CareWorkflows.Tests.Integration;
using MimeKit;

namespace CareWorkflows.Tests.Reminders;

/// <summary>
/// A real SMTP server for the tests: smtp4dev (the .NET tool pinned in .config/dotnet-tools.json, restored by
/// tests/run-all.sh), on free loopback ports with an in-memory store. Messages are read back through its API as raw
/// MIME and parsed with MimeKit. Disposing stops it.
/// </summary>
public sealed class Smtp4devServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _api;
    private readonly string _folder;
    private readonly List<string> _output = [];

    private Smtp4devServer(Process process, int smtpPort, Uri api, string folder)
    {
        _process = process;
        SmtpPort = smtpPort;
        _api = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(20) };
        _folder = folder;
    }

    public int SmtpPort { get; }

    public static async Task<Smtp4devServer> StartAsync()
    {
        var smtpPort = LoopbackPort.Free();
        var api = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var folder = Path.Join(Path.GetTempPath(), "careflow-smtp4dev-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "tool", "run", "smtp4dev", "--",
            $"--urls={api.GetLeftPart(UriPartial.Authority)}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1", "--db=",
            "--imapport=", "--pop3port=", "--nousersettings", $"--baseappdatapath={folder}", "--messagestokeep=5000",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var server = new Smtp4devServer(new Process { StartInfo = info }, smtpPort, api, folder);
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Every message the server received, parsed from its raw source.</summary>
    public async Task<IReadOnlyList<MimeMessage>> MessagesAsync()
    {
        var page = await _api.GetFromJsonAsync<MessagePage>(new Uri("api/messages?pageSize=5000", UriKind.Relative));
        var messages = new List<MimeMessage>();
        foreach (var summary in page?.Results ?? [])
        {
            await using var raw = await _api.GetStreamAsync(new Uri($"api/messages/{summary.Id}/raw", UriKind.Relative));
            messages.Add(await MimeMessage.LoadAsync(raw));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        finally
        {
            _api.Dispose();
            _process.Dispose();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // Held for a moment by the exiting server; the temp cleaner takes it.
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        // The first run of a tool restored minutes ago can take a while to start.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"smtp4dev exited with {_process.ExitCode}. Is it restored (dotnet tool restore)? Output:\n{string.Join('\n', _output.TakeLast(30))}");
            }

            try
            {
                using var response = await _api.GetAsync(new Uri("api/messages", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK && await SmtpAnswersAsync())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Busy starting.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"smtp4dev did not start within 90 s. Output:\n{string.Join('\n', _output.TakeLast(30))}");
    }

    private async Task<bool> SmtpAnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, SmtpPort);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed record MessagePage(IReadOnlyList<MessageSummary> Results);

    private sealed record MessageSummary(string Id);
}
