using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// Where a batch of events spends its time, as a histogram per phase (milliseconds), so an operator's metrics
/// collector or <c>careflow bench events</c> can see whether waiting, loading, applying, writing or committing dominates.
/// </summary>
internal static class BatchMetrics
{
    public const string MeterName = "CareWorkflows.Runtime";
    public const string PhaseDuration = "careflow.batch.phase.duration";
    public const string Statements = "careflow.batch.statements";

    /// <summary>The phases of one batch, in order.</summary>
    public static readonly string[] Phases = ["wait", "dedupe", "load", "apply", "write", "commit"];

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(PhaseDuration, "ms", "Time a batch of events spent in each phase of its transaction");
    private static readonly Counter<long> StatementCount = Meter.CreateCounter<long>(Statements, "{statement}", "SQL statements a batch wrote (inserts, upserts, updates)");

    public static void Wrote(long statements) => StatementCount.Add(statements);

    /// <summary>Records the time since <paramref name="since"/> for a phase and returns a new start.</summary>
    public static long Lap(string phase, long since)
    {
        var now = Stopwatch.GetTimestamp();
        if (Duration.Enabled)
        {
            Duration.Record(Stopwatch.GetElapsedTime(since, now).TotalMilliseconds, new KeyValuePair<string, object?>("phase", phase));
        }

        return now;
    }
}
