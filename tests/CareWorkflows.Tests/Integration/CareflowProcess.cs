using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// The real <c>careflow serve</c> process (careflow.dll from the test output folder), on a free loopback port,
/// with its own data, workflows and rules folders. <see cref="StartAsync"/> answers once GET /api/health is 200;
/// <see cref="Kill"/> is SIGKILL on Linux (no shutdown hooks run). Dispose kills it if it still runs.
/// </summary>
public sealed class CareflowProcess : IAsyncDisposable
{
    // Generous: on a loaded 2-core CI machine a cold dotnet start alone has taken over 40 s.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);
    private const int OutputLinesKept = 300;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly ConcurrentQueue<string> _allOutput = new();

    private CareflowProcess(Process process, Uri baseAddress, string adminKey)
    {
        _process = process;
        BaseAddress = baseAddress;
        AdminKey = adminKey;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
    }

    /// <summary>A PO-level admin key the process accepts (<see cref="TestAdminKey"/>).</summary>
    public string AdminKey { get; }

    /// <summary>Where the process listens, e.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the process's API, sending <see cref="AdminKey"/>.</summary>
    public HttpClient Client { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning
    {
        get
        {
            try
            {
                return !_process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>The last lines the process wrote (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Every line the process wrote (stdout and stderr) since it started.</summary>
    public IReadOnlyCollection<string> AllOutput => _allOutput;

    /// <summary>The error lines among the last lines the process wrote, for the test's output.</summary>
    public string Errors => string.Join('\n', _output.Where(l => l.Contains(" ERR]", StringComparison.Ordinal) || l.Contains("Exception", StringComparison.Ordinal)).TakeLast(20));

    /// <summary>Starts <c>careflow serve</c> and waits until its health endpoint answers 200.</summary>
    public static async Task<CareflowProcess> StartAsync(CareflowWorkspace workspace, double sweepSeconds = 0.2, params string[] extraArguments)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var adminKey = await TestAdminKey.ProvisionAsync(workspace.Data);
        var dll = Path.Join(AppContext.BaseDirectory, "careflow.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: the test project must reference the host project.");
        }

        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workspace.Root,
        };
        foreach (var argument in (string[])
        [
            dll, "serve",
            "--urls", baseAddress.GetLeftPart(UriPartial.Authority),
            "--data", workspace.Data,
            "--workflows", workspace.Workflows,
            "--rules", workspace.Rules,
            "--sweep-seconds", sweepSeconds.ToString(CultureInfo.InvariantCulture),
            .. extraArguments,
        ])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in workspace.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var careflow = new CareflowProcess(process, baseAddress, adminKey);
        process.OutputDataReceived += (_, e) => careflow.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => careflow.Keep(e.Data);
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await careflow.WaitUntilHealthyAsync();
            return careflow;
        }
        catch
        {
            await careflow.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: the process ends at once, in the middle of whatever it was doing.</summary>
    public void Kill()
    {
        if (IsRunning)
        {
            _process.Kill(entireProcessTree: true);
        }

        if (!_process.WaitForExit(ExitTimeout))
        {
            throw new InvalidOperationException($"careflow (pid {_process.Id}) did not exit after SIGKILL.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (IsRunning)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(ExitTimeout);
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; nothing more a test can do.
        }
        finally
        {
            Client.Dispose();
            _process.Dispose();
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        _allOutput.Enqueue(line);
        while (_output.Count > OutputLinesKept && _output.TryDequeue(out _))
        {
        }
    }

    private async Task WaitUntilHealthyAsync()
    {
        var deadline = Stopwatch.StartNew();
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < StartTimeout)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"careflow exited with code {_process.ExitCode} before it was healthy. Its output:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri("api/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
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
                // Busy starting; ask again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"careflow did not answer GET /api/health with 200 within {StartTimeout.TotalSeconds} s. Its output:\n{Output}");
    }
}
