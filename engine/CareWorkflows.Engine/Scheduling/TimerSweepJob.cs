using CareWorkflows.Engine.Persistence;
using Quartz;

namespace CareWorkflows.Engine.Scheduling;

/// <summary>
/// The one Quartz job of the runtime: claims due timer rows in batches and applies them as timer.fired events.
/// One repeating trigger serves every timer, since a database-backed Quartz fires only ~90 one-off triggers a
/// second (quartznet issue 3824) and a burst of tens of thousands of reminders must not wait on that.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class TimerSweepJob(RuntimeStore store) : IJob
{
    public const int BatchSize = 1000;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        while (await store.FireDueTimersAsync(BatchSize, cancellationToken) == BatchSize)
        {
            // A full batch means more are due: keep going rather than wait for the next sweep.
        }
    }
}
