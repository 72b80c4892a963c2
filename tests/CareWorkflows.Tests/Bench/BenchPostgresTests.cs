using System.Text.Json;
using CareWorkflows.Tests.Postgres;

namespace CareWorkflows.Tests.Bench;

/// <summary>
/// Runs the real <c>careflow bench b4</c> small against the tests' throwaway PostgreSQL server: one node and two nodes
/// on a fresh database each must do the work and print figures, not "not run", and leave no bench database behind.
/// No timing is asserted.
/// </summary>
[Collection(PostgresServerGroup.Name)]
public sealed class BenchPostgresTests(PostgresServer server)
{
    [Fact]
    public async Task BenchB4_WithPostgres_ReportsOneAndTwoNodes()
    {
        var (exitCode, stdout, stderr) = await BenchCommandTests.RunBenchAsync("b4", "--postgres", server.ConnectionString("postgres"), "--count", "200", "--format", "json");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        Assert.DoesNotContain("not run", stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(stdout);
        var figures = json.RootElement;
        foreach (var key in new[] { "one_node_transitions_per_second", "two_nodes_transitions_per_second", "ratio_two_to_one" })
        {
            Assert.True(figures.TryGetProperty(key, out var value), $"no '{key}' in {stdout}");
            Assert.True(value.ValueKind == JsonValueKind.Number && value.GetDouble() > 0, $"{key} is {value}, not a positive number");
        }

        Assert.Equal(0, figures.GetProperty("duplicates").GetInt32());
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var left = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'careflow_bench_%'", connection);
        Assert.Equal(0L, await left.ExecuteScalarAsync());
    }
}
