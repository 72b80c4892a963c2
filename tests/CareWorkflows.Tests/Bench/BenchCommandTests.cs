using System.Diagnostics;
using System.Text.Json;

namespace CareWorkflows.Tests.Bench;

/// <summary>
/// Runs the real <c>careflow bench</c> small (careflow.dll is copied next to the tests): it must do the work and
/// print its named figures as JSON. No timing is asserted; the figures depend on the machine.
/// </summary>
public class BenchCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void BenchEvents_Small_PrintsFiguresAndCommitsTasks()
    {
        var (exitCode, stdout, stderr) = RunBench("events", "--count", "500", "--format", "json");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var figures = json.RootElement;
        foreach (var key in new[] { "events", "events_per_second", "p50_ms", "p99_ms", "sqlite_rows_per_second", "ratio_to_floor", "tasks_created" })
        {
            Assert.True(figures.TryGetProperty(key, out var value), $"no '{key}' in {stdout}");
            Assert.Equal(JsonValueKind.Number, value.ValueKind);
        }

        Assert.Equal(500, figures.GetProperty("events").GetInt32());
        Assert.True(figures.GetProperty("tasks_created").GetInt32() > 0, stdout);
        Assert.True(figures.GetProperty("events_per_second").GetDouble() > 0, stdout);
        Assert.True(figures.GetProperty("sqlite_rows_per_second").GetDouble() > 0, stdout);
    }

    [Fact]
    public void BenchTimers_Small_FiresEveryReminderOnce()
    {
        var (exitCode, stdout, stderr) = RunBench("timers", "--count", "500", "--format", "json");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var figures = json.RootElement;
        foreach (var key in new[] { "reminders", "schedule_seconds", "p50_lateness_ms", "p99_lateness_ms", "duplicates" })
        {
            Assert.True(figures.TryGetProperty(key, out var value), $"no '{key}' in {stdout}");
            Assert.Equal(JsonValueKind.Number, value.ValueKind);
        }

        Assert.True(figures.TryGetProperty("all_within_30s", out var within), $"no 'all_within_30s' in {stdout}");
        Assert.True(within.ValueKind is JsonValueKind.True or JsonValueKind.False, stdout);
        Assert.Equal(500, figures.GetProperty("reminders").GetInt32());
        Assert.Equal(500, figures.GetProperty("fired").GetInt32());
        Assert.Equal(0, figures.GetProperty("duplicates").GetInt32());
    }

    private static (int ExitCode, string Stdout, string Stderr) RunBench(params string[] arguments)
    {
        var careflow = Path.Join(AppContext.BaseDirectory, "careflow.dll");
        Assert.True(File.Exists(careflow), $"{careflow} is missing: the test project references the host, so the build copies it.");
        var data = Directory.CreateTempSubdirectory("careflow-bench-test-");
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                // An empty working folder: the bench takes the definitions shipped next to careflow.
                WorkingDirectory = data.FullName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(careflow);
            start.ArgumentList.Add("bench");
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.ArgumentList.Add("--data");
            start.ArgumentList.Add(data.FullName);

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"careflow bench {string.Join(' ', arguments)} did not finish within {Timeout}.");
            }

            process.WaitForExit();
            return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
