using System.Diagnostics;

namespace CareWorkflows.Tests;

/// <summary>Runs the real careflow command line (careflow.dll is copied next to the tests) and collects what it printed.</summary>
internal static class CareflowCli
{
    public static async Task<(int Exit, string Output, string Errors)> RunAsync(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(Path.Join(AppContext.BaseDirectory, "careflow.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await errors);
    }
}
