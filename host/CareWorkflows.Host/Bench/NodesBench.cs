using System.Diagnostics;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench b4</c>: bench B2's store runs on PostgreSQL by one node and by two nodes sharing one database (two
/// stores, the patients split between them, run at the same time); two nodes should manage at least 1.5 times one.
/// Each side gets a fresh database. Without <c>--postgres</c> the figures say so rather than being made up.
/// </summary>
internal static class NodesBench
{
    public const double TargetRatio = 1.5;
    private const int Rounds = 3;

    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var report = new BenchReport("b4", "one node vs two on PostgreSQL");
        var n = settings.Count;
        report.Add("instances", "instances a run (bench B2's workflow)", n);
        if (settings.Postgres is null)
        {
            report.NotRun("one_node_transitions_per_second", "one node: step transitions/s", ThroughputBench.PostgresNotGiven);
            report.NotRun("two_nodes_transitions_per_second", "two nodes: step transitions/s", ThroughputBench.PostgresNotGiven);
            report.NotRun("ratio_two_to_one", "two nodes / one node", ThroughputBench.PostgresNotGiven, $">= {TargetRatio}");
            return report;
        }

        var workflows = BenchDefinitions.Write(settings, SixStepWorkflow.Id, SixStepWorkflow.Yaml, SixStepWorkflow.Template);
        var definitions = DefinitionLoader.LoadOrThrow(workflows, settings.RulesDirectory);
        var warmUp = Math.Max(1, Math.Min(n / 10, 1_000));
        var runs = new List<ThroughputRun>();

        settings.Progress.WriteLine($"B4: one node on PostgreSQL (a fresh database): {n:N0} instances, {Rounds} runs...");
        var one = new List<double>();
        await using (var database = await PostgresBenchDatabase.CreateAsync(settings.Postgres, settings.Progress, cancellationToken))
        await using (var node = await OpenAsync(definitions, database, cancellationToken))
        {
            await node.RunAsync("ow-", warmUp, settings.Batch, cancellationToken);
            for (var round = 0; round < Rounds; round++)
            {
                var run = await node.RunAsync($"o{round}-", n, settings.Batch, cancellationToken);
                runs.Add(run);
                one.Add(run.TransitionsPerSecond);
            }
        }

        settings.Progress.WriteLine($"B4: two nodes on one PostgreSQL database (a fresh one): {n:N0} instances split between them, {Rounds} runs...");
        var two = new List<double>();
        await using (var database = await PostgresBenchDatabase.CreateAsync(settings.Postgres, settings.Progress, cancellationToken))
        await using (var first = await OpenAsync(definitions, database, cancellationToken))
        await using (var second = await OpenAsync(definitions, database, cancellationToken))
        {
            await Task.WhenAll(first.RunAsync("aw-", warmUp, settings.Batch, cancellationToken), second.RunAsync("bw-", warmUp, settings.Batch, cancellationToken));
            for (var round = 0; round < Rounds; round++)
            {
                var run = await BothAsync(first, second, round, n, settings.Batch, cancellationToken);
                runs.Add(run);
                two.Add(run.TransitionsPerSecond);
            }
        }

        var oneRate = Percentile.Median(one);
        var twoRate = Percentile.Median(two);
        report.Add("one_node_transitions_per_second", $"one node: step transitions/s (median of {Rounds})", oneRate);
        report.Add("two_nodes_transitions_per_second", $"two nodes: step transitions/s, both together (median of {Rounds})", twoRate);
        report.Add("ratio_two_to_one", "two nodes / one node", twoRate / oneRate, $">= {TargetRatio}", twoRate / oneRate >= TargetRatio);

        foreach (var run in runs.Where(r => !r.Finished))
        {
            report.Problem($"only {run.Ended:N0} of {run.Instances:N0} instances ended.");
        }

        var duplicates = runs.Sum(r => Math.Max(0, r.Reminders - r.Instances));
        report.Add("duplicates", "reminders sent more than once (every run)", duplicates, "0", duplicates == 0);
        if (duplicates > 0)
        {
            report.Problem($"{duplicates:N0} timers fired a second reminder.");
        }

        report.Note($"A node is a store of its own (its own connections and clock) on the shared database; two nodes each take half of the {n:N0} instances at the same time, and the rate counts both over the time the slower one took.");
        report.Note($"Runs as bench B2's store runs do: starts, then visits, in batches of {settings.Batch} events, then every timer fired. Both nodes run in this one process, so they share its cores.");
        return report;
    }

    private static Task<StoreEngine> OpenAsync(DefinitionSet definitions, PostgresBenchDatabase database, CancellationToken cancellationToken) =>
        StoreEngine.OpenAsync(definitions, services => services.AddCareflowPostgres(database.ConnectionString), cancellationToken);

    /// <summary>Half the instances on each node, at the same time; counted once both are done (either node may fire the other's timers).</summary>
    private static async Task<ThroughputRun> BothAsync(StoreEngine first, StoreEngine second, int round, int instances, int batch, CancellationToken cancellationToken)
    {
        var half = instances / 2;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(
            first.RunAsync($"a{round}-", half, batch, cancellationToken),
            second.RunAsync($"b{round}-", instances - half, batch, cancellationToken));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var (endedA, remindersA) = await first.EndedAsync($"a{round}-", cancellationToken);
        var (endedB, remindersB) = await first.EndedAsync($"b{round}-", cancellationToken);
        var ended = endedA + endedB;
        return new ThroughputRun(instances, ended, remindersA + remindersB, seconds, ended == instances);
    }
}
