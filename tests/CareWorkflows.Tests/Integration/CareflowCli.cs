using System.Diagnostics;

namespace CareWorkflows.Tests.Integration;

/// <summary>Runs one careflow command (careflow.dll from the test output folder) to its end.</summary>
public static class CareflowCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var careflow = Path.Join(AppContext.BaseDirectory, "careflow.dll");
        Assert.True(File.Exists(careflow), $"{careflow} is missing: the test project references the host, so the build copies it.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(careflow);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"careflow {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs <c>careflow keys create</c> and answers the key it printed.</summary>
    public static async Task<string> CreateKeyAsync(string dataDirectory, params string[] grant)
    {
        var (exit, stdout, stderr) = await RunAsync(Path.GetTempPath(), ["keys", "create", "--data", dataDirectory, .. grant]);
        Assert.True(exit == 0, $"careflow keys create {string.Join(' ', grant)} exited {exit}: {stderr}");
        return stdout.Trim();
    }
}

/// <summary>
/// The admin key test processes are called with. It is made once per test run by the real <c>careflow keys create
/// --role admin --all-practices</c> in a template data folder; each workspace starts from a copy of that database,
/// so every process accepts the same key without paying for a command run of its own.
/// </summary>
public static class TestAdminKey
{
    private static readonly Lazy<Task<(string Database, string Key)>> Template = new(CreateAsync);

    /// <summary>Puts the template database (schema and admin key) into <paramref name="dataDirectory"/> unless it has a database already; answers the key.</summary>
    public static async Task<string> ProvisionAsync(string dataDirectory)
    {
        var (database, key) = await Template.Value;
        var target = Path.Join(dataDirectory, "careflow.db");
        if (!File.Exists(target))
        {
            Directory.CreateDirectory(dataDirectory);
            File.Copy(database, target);
        }

        return key;
    }

    private static async Task<(string Database, string Key)> CreateAsync()
    {
        var data = Path.Join(Path.GetTempPath(), "careflow-key-template-" + Guid.NewGuid().ToString("N")[..12]);
        var key = await CareflowCli.CreateKeyAsync(data, "--role", "admin", "--all-practices", "--name", "integration tests");
        return (Path.Join(data, "careflow.db"), key);
    }
}
