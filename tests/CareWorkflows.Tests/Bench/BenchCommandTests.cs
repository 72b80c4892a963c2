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
    public async Task BenchAll_Small_ReportsEveryBenchWithItsFigures()
    {
        const int count = 100;
        var (exitCode, stdout, stderr) = await RunBenchAsync("all", "--count", $"{count}", "--stored", "10000", "--format", "json");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0, stdout);
        var measured = new Dictionary<string, string[]>
        {
            ["B0"] = ["rows", "sqlite_full_single_rows_per_second", "sqlite_normal_single_rows_per_second", "sqlite_full_batch_rows_per_second", "sqlite_normal_batch_rows_per_second"],
            ["B1"] = ["patients_per_second", "rulesengine_patients_per_second", "ceiling_patients_per_second", "ratio", "ratio_to_ceiling"],
            ["B2"] = ["instances", "memory_transitions_per_second", "workflowcore_transitions_per_second", "ratio_to_workflowcore", "sqlite_transitions_per_second",
                "sqlite_p50_ms_at_half_peak", "sqlite_p99_ms_at_half_peak", "stored_instances_large", "sqlite_transitions_per_second_grown"],
            ["B3"] = ["reminders", "fired", "schedule_seconds", "p99_commit_lateness_ms", "fired_per_second", "quartz_each_fired", "quartz_each_p99_lateness_ms",
                "quartz_each_fired_per_second", "ratio_to_quartz_each"],
            ["B4"] = ["instances"],
        };
        foreach (var (bench, keys) in measured)
        {
            Assert.True(root.TryGetProperty(bench, out var figures), $"no '{bench}' in {stdout}");
            foreach (var key in keys)
            {
                Assert.True(figures.TryGetProperty(key, out var value), $"no '{key}' in {bench}: {figures}");
                Assert.True(value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0, $"{bench}.{key} is {value}, not a positive number");
            }
        }

        // PostgreSQL parts say why they did not run rather than show a number.
        foreach (var (bench, key) in new[] { ("B0", "postgres_copy_rows_per_second"), ("B2", "postgres_transitions_per_second"), ("B4", "ratio_two_to_one") })
        {
            Assert.StartsWith("not run: ", root.GetProperty(bench).GetProperty(key).GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(JsonValueKind.Number, root.GetProperty("B2").GetProperty("slowdown_percent").ValueKind);
        Assert.Equal(count, root.GetProperty("B3").GetProperty("fired").GetInt32());
        Assert.Equal(count, root.GetProperty("B3").GetProperty("quartz_each_fired").GetInt32());
        Assert.Equal(0, root.GetProperty("B2").GetProperty("duplicates").GetInt32());
        Assert.Equal(0, root.GetProperty("B3").GetProperty("duplicates").GetInt32());
        Assert.Equal(0, root.GetProperty("B3").GetProperty("quartz_each_duplicates").GetInt32());
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunBenchAsync(params string[] arguments)
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
