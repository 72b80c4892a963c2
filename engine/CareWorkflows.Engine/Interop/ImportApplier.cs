using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Interop;

/// <summary>What applying imported events gave.</summary>
/// <param name="Applied">Events stored and applied now.</param>
/// <param name="Duplicates">Events stored before (an earlier import of the same data).</param>
/// <param name="Failed">Events stored but not applied; they wait in the inbox with their error.</param>
/// <param name="Errors">The failed events with their errors (event id and message; no patient data).</param>
internal sealed record ApplySummary(int Applied, int Duplicates, int Failed, IReadOnlyList<(string EventId, string Error)> Errors)
{
    /// <summary>Nothing applied yet.</summary>
    public static ApplySummary Empty { get; } = new(0, 0, 0, []);

    /// <summary>All events counted.</summary>
    public int Total => Applied + Duplicates + Failed;
}

/// <summary>Submits imported events to the store in batches, in order, reporting progress.</summary>
internal static class ImportApplier
{
    /// <summary>The most events one store transaction takes.</summary>
    public const int BatchSize = 1000;

    /// <summary>
    /// Applies the events in batches of at most <see cref="BatchSize"/>, in the order given (a patient's events
    /// stay in order). <paramref name="progress"/> gets the number of events done after each batch.
    /// </summary>
    public static async Task<ApplySummary> ApplyAsync(RuntimeStore store, IReadOnlyList<WorkflowEvent> events, IProgress<int>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(events);
        int applied = 0, duplicates = 0, failed = 0;
        var errors = new List<(string, string)>();
        for (var start = 0; start < events.Count; start += BatchSize)
        {
            var batch = events.Skip(start).Take(BatchSize).ToList();
            foreach (var result in await store.SubmitAsync(batch, cancellationToken))
            {
                switch (result.Status)
                {
                    case SubmissionStatus.Applied:
                        applied++;
                        break;
                    case SubmissionStatus.Duplicate:
                        duplicates++;
                        break;
                    default:
                        failed++;
                        errors.Add((result.EventId, result.Error ?? "failed"));
                        break;
                }
            }

            progress?.Report(start + batch.Count);
        }

        return new ApplySummary(applied, duplicates, failed, errors);
    }
}
