using System.Text.Json;
using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Bench;

/// <summary>
/// Runs the real <c>careflow bench</c> small (careflow.dll is copied next to the tests): it must do the work and
/// print its named figures as JSON. No timing is asserted; the figures depend on the machine.
/// </summary>
public class BenchCommandTests
{
    [Fact]
    public async Task BenchEvents_Small_PrintsFiguresAndCommitsTasks()
    {
        var (exitCode, stdout, stderr) = await RunBenchAsync("events", "--count", "500", "--format", "json");

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
    public async Task BenchTimers_Small_FiresEveryReminderOnce()
    {
        var (exitCode, stdout, stderr) = await RunBenchAsync("timers", "--count", "500", "--format", "json");

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

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunBenchAsync(params string[] arguments)
    {
        var data = Directory.CreateTempSubdirectory("careflow-bench-test-");
        try
        {
            // An empty working folder: the bench takes the definitions shipped next to careflow.
            return await CareflowCli.RunAsync(data.FullName, ["bench", .. arguments, "--data", data.FullName]);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
