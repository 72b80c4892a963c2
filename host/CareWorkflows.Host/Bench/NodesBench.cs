namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench b4</c>: bench B2's SQLite-style runs on PostgreSQL by one node and by two nodes sharing the
/// database (the patients split between them); two nodes should manage at least 1.5 times one. Needs the engine on
/// PostgreSQL, which this build does not have yet: the figures say so rather than being made up.
/// </summary>
internal static class NodesBench
{
    public const double TargetRatio = 1.5;

    public static Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var report = new BenchReport("b4", "one node vs two on PostgreSQL");
        report.Add("instances", "instances a run (bench B2's workflow)", settings.Count);
        report.NotRun("one_node_transitions_per_second", "one node: step transitions/s", ThroughputBench.PostgresNotAvailable);
        report.NotRun("two_nodes_transitions_per_second", "two nodes: step transitions/s", ThroughputBench.PostgresNotAvailable);
        report.NotRun("ratio_two_to_one", "two nodes / one node", ThroughputBench.PostgresNotAvailable, $">= {TargetRatio}");
        return Task.FromResult(report);
    }
}
