using System.Diagnostics;
using WorkflowCore.Interface;
using WorkflowCore.Models;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// Bench B2's peer: the six steps of <see cref="SixStepWorkflow"/> written for WorkflowCore 3.22 and run on its
/// default in-memory persistence, started, sent their event and left to finish the same way.
/// </summary>
internal static class WorkflowCorePeer
{
    /// <summary>How long WorkflowCore's timer step sleeps: real time, so kept short (ours runs on a moved clock).</summary>
    public static readonly TimeSpan TimerDelay = TimeSpan.FromMilliseconds(1);

    /// <summary>Runs <paramref name="instances"/> instances to their end; the result counts those that ended.</summary>
    public static async Task<ThroughputRun> RunAsync(int instances, TimeSpan giveUpAfter, CancellationToken cancellationToken)
    {
        var progress = new Progress(instances);
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(progress)
            .AddTransient<RecordStep>()
            .AddTransient<DecideStep>()
            .AddTransient<RemindStep>()
            .AddTransient<EndStep>()
            .AddWorkflow();
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<IWorkflowHost>();
        host.RegisterWorkflow<SixSteps, BenchData>();
        await host.StartAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var at = TimeProvider.System.GetUtcNow().UtcDateTime;
            for (var i = 0; i < instances; i++)
            {
                await host.StartWorkflow(SixStepWorkflow.Id, 1, new BenchData { Patient = SixStepWorkflow.Patient("wc-", i) });
            }

            // As ours gets them: every instance started and waiting, then the events. (WorkflowCore would also match an
            // event published before the wait subscribed; the stragglers rely on that.)
            await Task.WhenAny(progress.AllDecided, Task.Delay(giveUpAfter, cancellationToken));
            for (var i = 0; i < instances; i++)
            {
                await host.PublishEvent(SixStepWorkflow.WaitEvent, SixStepWorkflow.Patient("wc-", i), null, at);
            }

            var finished = await Task.WhenAny(progress.AllEnded, Task.Delay(giveUpAfter, cancellationToken)) == progress.AllEnded;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            return new ThroughputRun(instances, progress.Ended, progress.Reminders, seconds, finished);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }

    internal sealed class BenchData
    {
        public string Patient { get; set; } = "";

        public int Age { get; set; }
    }

    private sealed class Progress(int expected)
    {
        private readonly TaskCompletionSource _allEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _allDecided = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _ended;
        private int _decided;
        private int _reminders;

        public Task AllEnded => _allEnded.Task;

        public Task AllDecided => _allDecided.Task;

        public int Ended => Volatile.Read(ref _ended);

        public int Reminders => Volatile.Read(ref _reminders);

        public System.Collections.Concurrent.ConcurrentDictionary<(string List, string Patient), bool> Lists { get; } = new();

        public void Reminded() => Interlocked.Increment(ref _reminders);

        public void Decided()
        {
            if (Interlocked.Increment(ref _decided) == expected)
            {
                _allDecided.TrySetResult();
            }
        }

        public void End()
        {
            if (Interlocked.Increment(ref _ended) == expected)
            {
                _allEnded.TrySetResult();
            }
        }
    }

    private sealed class SixSteps : IWorkflow<BenchData>
    {
        public string Id => SixStepWorkflow.Id;

        public int Version => 1;

        public void Build(IWorkflowBuilder<BenchData> builder) => builder
            .StartWith<RecordStep>().Input(step => step.List, _ => "needs-follow-up").Input(step => step.Patient, data => data.Patient)
            .Then<DecideStep>().Input(step => step.Age, data => data.Age)
            .WaitFor(SixStepWorkflow.WaitEvent, data => data.Patient)
            .Then<RemindStep>()
            .Then<RecordStep>().Input(step => step.List, _ => "team-review-agenda").Input(step => step.Patient, data => data.Patient)
            .Then<EndStep>();
    }

    private sealed class RecordStep(Progress progress) : StepBody
    {
        public string List { get; set; } = "";

        public string Patient { get; set; } = "";

        public override ExecutionResult Run(IStepExecutionContext context)
        {
            progress.Lists.TryAdd((List, Patient), true);
            return ExecutionResult.Next();
        }
    }

    // Both branches of ours lead to the wait too; the decision is still taken.
    private sealed class DecideStep(Progress progress) : StepBody
    {
        public int Age { get; set; }

        public bool Adult { get; private set; }

        public override ExecutionResult Run(IStepExecutionContext context)
        {
            Adult = Age >= 18;
            progress.Decided();
            return ExecutionResult.Next();
        }
    }

    // WorkflowCore's own Delay pattern: sleep on the first run, act on the second.
    private sealed class RemindStep(Progress progress) : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context)
        {
            if (context.PersistenceData is null)
            {
                return ExecutionResult.Sleep(TimerDelay, true);
            }

            progress.Reminded();
            return ExecutionResult.Next();
        }
    }

    private sealed class EndStep(Progress progress) : StepBody
    {
        public override ExecutionResult Run(IStepExecutionContext context)
        {
            progress.End();
            return ExecutionResult.Next();
        }
    }
}
