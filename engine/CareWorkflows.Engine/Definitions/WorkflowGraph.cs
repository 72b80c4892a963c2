namespace CareWorkflows.Engine.Definitions;

/// <summary>The steps of a workflow as a graph: where each step can go, and the checks on that graph.</summary>
internal static class WorkflowGraph
{
    /// <summary>Reports next targets that name no step, steps nothing reaches, and loops that never wait.</summary>
    public static void Check(WorkflowDefinition workflow, Diagnostics diagnostics)
    {
        var ids = workflow.Steps.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var dangling = false;
        foreach (var step in workflow.Steps)
        {
            foreach (var target in WrittenTargets(step).Where(t => t.Id != StepRef.End && !ids.Contains(t.Id)))
            {
                dangling = true;
                diagnostics.Add(ErrorCodes.DanglingNext, target.At,
                    $"step '{step.Id}' goes to '{target.Id}', but there is no such step.{Suggestions.DidYouMean(target.Id, ids.Append(StepRef.End))} Name a step id of this workflow, or 'end'.");
            }
        }

        if (dangling || workflow.Steps.Count == 0)
        {
            return;
        }

        CheckReachable(workflow, diagnostics);
        CheckLoopsWait(workflow, diagnostics);
    }

    /// <summary>The ids a step can go to, including the step listed after it where an outcome is left unrouted.</summary>
    public static IEnumerable<string> Successors(WorkflowDefinition workflow, StepDefinition step)
    {
        var targets = WrittenTargets(step).Select(t => t.Id);
        return FallsThrough(step) ? targets.Append(workflow.NextAfter(step, null)) : targets;
    }

    private static IEnumerable<StepRef> WrittenTargets(StepDefinition step) => step switch
    {
        DecideStep decide => decide.Branches.Select(b => b.Next).Append(decide.Otherwise),
        _ => step.Next.Targets,
    };

    /// <summary>True when some outcome of the step is not routed, so it goes on to the step listed after it.</summary>
    public static bool FallsThrough(StepDefinition step)
    {
        var routes = step.Next.ByOutcome;
        return step switch
        {
            DecideStep or EndStep => false,
            _ when step.Next.Always is not null => false,
            TaskStep task => !routes.ContainsKey("completed") && (task.Outcomes.Count == 0 || task.Outcomes.Any(o => !routes.ContainsKey(o))),
            OutreachStep => !routes.ContainsKey(OutreachStep.Reached) || !routes.ContainsKey(OutreachStep.Exhausted),
            WaitStep wait => wait.For.Any(e => !routes.ContainsKey(e)) || (wait.Timeout is not null && !routes.ContainsKey(WaitStep.TimeoutOutcome)),
            _ => true,
        };
    }

    private static void CheckReachable(WorkflowDefinition workflow, Diagnostics diagnostics)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { workflow.Steps[0].Id };
        var queue = new Queue<StepDefinition>([workflow.Steps[0]]);
        while (queue.TryDequeue(out var step))
        {
            foreach (var next in Successors(workflow, step))
            {
                if (workflow.Step(next) is { } target && reached.Add(next))
                {
                    queue.Enqueue(target);
                }
            }
        }

        foreach (var step in workflow.Steps.Where(s => !reached.Contains(s.Id)))
        {
            diagnostics.Add(ErrorCodes.UnreachableStep, step.At,
                $"no path from the first step '{workflow.Steps[0].Id}' reaches step '{step.Id}'. Route an outcome to it with 'next', or remove it.");
        }
    }

    // A loop is fine as long as one of its steps waits for a person, an event or time; a loop of
    // decide/record/reminder/escalate steps alone would run for ever within one event.
    private static void CheckLoopsWait(WorkflowDefinition workflow, Diagnostics diagnostics)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        void Visit(StepDefinition step)
        {
            state[step.Id] = 1;
            path.Add(step.Id);
            foreach (var nextId in Successors(workflow, step))
            {
                if (workflow.Step(nextId) is not { Waits: false } next)
                {
                    continue;
                }

                if (state.GetValueOrDefault(next.Id) == 1)
                {
                    var loop = path.Skip(path.IndexOf(next.Id)).Append(next.Id).ToList();
                    if (reported.Add(string.Join(">", loop.Order(StringComparer.Ordinal))))
                    {
                        diagnostics.Add(ErrorCodes.CycleWithoutWait, next.At,
                            $"the steps {string.Join(" -> ", loop)} form a loop in which no step waits (task, outreach or wait), so it would run for ever. Put a task, outreach or wait step in the loop, or route one outcome out of it.");
                    }
                }
                else if (!state.ContainsKey(next.Id))
                {
                    Visit(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[step.Id] = 2;
        }

        foreach (var step in workflow.Steps.Where(s => !s.Waits && !state.ContainsKey(s.Id)))
        {
            Visit(step);
        }
    }
}
