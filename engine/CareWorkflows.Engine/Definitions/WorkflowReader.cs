using System.Text.RegularExpressions;
using CareWorkflows.Engine.Time;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>Turns one workflow's YAML tree into a <see cref="WorkflowDefinition"/>, checking names against the catalog.</summary>
internal sealed partial class WorkflowReader(Catalog catalog, SourceFile file, IReadOnlySet<string> ruleNames)
{
    public static readonly string[] TopKeys = ["workflow", "version", "title", "description", "phase", "programs", "starts-on", "if-running", "when", "locked", "steps"];

    private static readonly Dictionary<string, WorkflowPhase> Phases = new()
    {
        ["pre-visit"] = WorkflowPhase.PreVisit,
        ["visit"] = WorkflowPhase.Visit,
        ["between-visits"] = WorkflowPhase.BetweenVisits,
        ["transition-of-care"] = WorkflowPhase.TransitionOfCare,
    };

    private readonly List<Condition> _conditions = [];

    /// <summary>Every guard read, for the rules to compile.</summary>
    public IReadOnlyList<Condition> Conditions => _conditions;

    public WorkflowDefinition? Read(YamlMappingNode root, string? practice = null)
    {
        var errorsBefore = file.Diagnostics.Errors.Count;
        var map = new MappingReader(root, file, "the workflow", TopKeys);
        var id = map.Id("workflow", example: "transition-of-care");
        var version = map.Integer("version", required: true, min: 1);
        var title = map.Text("title", required: true, example: "Transition of care after discharge");
        var phase = map.OneOf("phase", [.. Phases.Keys], required: true);
        var programs = ReadNames(map, "programs", catalog.Programs.Keys, ErrorCodes.UnknownProgram, "program");
        var startsOn = map.Text("starts-on", required: true, example: "patient.discharged");
        if (startsOn is not null)
        {
            CheckEvent(startsOn, map.ValueAt("starts-on"));
        }

        var ifRunning = map.OneOf("if-running", ["keep", "replace", "parallel"]) switch
        {
            "replace" => IfRunning.Replace,
            "parallel" => IfRunning.Parallel,
            _ => IfRunning.Keep,
        };
        var when = ReadCondition(map, "when");
        var steps = ReadSteps(map);
        var locked = map.TextList("locked");

        if (file.Diagnostics.Errors.Count > errorsBefore || id is null || version is null || title is null || phase is null || startsOn is null)
        {
            return null;
        }

        var workflow = new WorkflowDefinition
        {
            Id = id,
            Version = version.Value,
            Title = title,
            Description = map.Text("description"),
            Phase = Phases[phase],
            Programs = [.. programs],
            StartsOn = startsOn,
            IfRunning = ifRunning,
            When = when,
            Locked = [.. locked.Select(l => l.Value)],
            Steps = steps,
            Practice = practice,
            At = map.At,
        };
        CheckLocked(workflow, locked);
        WorkflowGraph.Check(workflow, file.Diagnostics);
        return file.Diagnostics.Errors.Count > errorsBefore ? null : workflow;
    }

    private List<StepDefinition> ReadSteps(MappingReader map)
    {
        var steps = new List<StepDefinition>();
        var sequence = map.Sequence("steps", required: true);
        if (sequence is null)
        {
            return steps;
        }

        if (sequence.Children.Count == 0)
        {
            file.Add(ErrorCodes.MissingField, sequence, "the workflow has no steps. Add at least one step under 'steps:'.");
        }

        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var node in sequence.Children)
        {
            if (node is not YamlMappingNode stepNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each step must be a mapping with at least 'id' and 'kind', e.g. '- id: contact'.");
                continue;
            }

            var step = ReadStep(stepNode);
            if (step is null)
            {
                continue;
            }

            if (seen.TryGetValue(step.Id, out var first))
            {
                file.Diagnostics.Add(ErrorCodes.DuplicateStepId, step.At,
                    $"step id '{step.Id}' is used twice (first at line {first.Line}). Give each step its own id.");
                continue;
            }

            seen[step.Id] = step.At;
            steps.Add(step);
        }

        return steps;
    }

    private StepDefinition? ReadStep(YamlMappingNode node)
    {
        var kindNode = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "kind" });
        var kind = (kindNode.Value as YamlScalarNode)?.Value?.Trim();
        var idNode = node.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "id" }).Value as YamlScalarNode;
        var what = idNode?.Value is { Length: > 0 } idText ? $"step '{idText}'" : "a step";

        if (kind is null)
        {
            _ = new MappingReader(node, file, what, StepKeys.AllKeys);
            file.Add(ErrorCodes.MissingField, node, $"{what} has no 'kind'. Add one of: {string.Join(", ", StepKeys.ByKind.Keys)}.");
            return null;
        }

        if (!StepKeys.ByKind.TryGetValue(kind, out var keys))
        {
            file.Add(ErrorCodes.UnknownKind, kindNode.Value!,
                $"unknown step kind '{kind}' in {what}.{Suggestions.DidYouMean(kind, StepKeys.ByKind.Keys)} Use one of: {string.Join(", ", StepKeys.ByKind.Keys)}.");
            return null;
        }

        var map = new MappingReader(node, file, what, keys);
        var id = map.Id("id", example: "contact");
        if (id is null)
        {
            return null;
        }

        var title = map.Text("title");
        var at = map.At;
        StepDefinition? step = kind switch
        {
            "task" => ReadTask(map, id, title, at),
            "outreach" => ReadOutreach(map, id, title, at),
            "reminder" => ReadReminder(map, id, title, at),
            "wait" => ReadWait(map, id, title, at),
            "decide" => ReadDecide(map, id, title, at),
            "record" => ReadRecord(map, id, title, at),
            "escalate" => ReadEscalate(map, id, title, at),
            _ => new EndStep(id, title, at) { Reason = map.Text("reason") },
        };
        return step is null || !map.Has("next") ? step : step with { Next = ReadNext(map, step) };
    }

    private TaskStep? ReadTask(MappingReader map, string id, string? title, SourceLocation at)
    {
        var role = ReadRole(map);
        var outcomes = map.TextList("outcomes");
        if (title is null && !map.Has("title"))
        {
            map.Missing("title", "Call the patient after discharge");
        }

        return role is null || title is null ? null : new TaskStep(id, title, at, role)
        {
            Due = ReadDuration(map, "due"),
            Form = ReadFile(map, "form", "forms/", ".yaml", catalog.Forms, ErrorCodes.UnknownForm),
            Script = ReadFile(map, "script", "scripts/", ".md", catalog.Scripts, ErrorCodes.UnknownScript),
            Outcomes = [.. outcomes.Select(o => o.Value)],
            Priority = ReadPriority(map, TaskPriority.Routine),
        };
    }

    private OutreachStep? ReadOutreach(MappingReader map, string id, string? title, SourceLocation at)
    {
        var role = ReadRole(map);
        var attempts = map.Integer("attempts", required: true, min: 1);
        var cadenceText = map.Text("cadence");
        var fromRules = cadenceText == "rules";
        var cadence = fromRules ? null : ReadDuration(map, "cadence");
        if (title is null && !map.Has("title"))
        {
            map.Missing("title", "Follow-up call about goals");
        }

        return role is null || attempts is null || title is null ? null : new OutreachStep(id, title, at, role, attempts.Value)
        {
            Cadence = cadence,
            CadenceFromRules = fromRules,
            Due = ReadDuration(map, "due"),
            Script = ReadFile(map, "script", "scripts/", ".md", catalog.Scripts, ErrorCodes.UnknownScript),
            Form = ReadFile(map, "form", "forms/", ".yaml", catalog.Forms, ErrorCodes.UnknownForm),
            Channel = map.OneOf("channel", StepKeys.Channels),
            Session = map.Id("session", required: false),
        };
    }

    private ReminderStep? ReadReminder(MappingReader map, string id, string? title, SourceLocation at)
    {
        var template = map.Id("template", example: "appointment-reminder");
        if (template is not null && !catalog.Templates.ContainsKey(template))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownTemplate, map.ValueAt("template"),
                $"no template '{template}': add workflows/templates/{template}.en.liquid (one file per language).{Suggestions.DidYouMean(template, catalog.Templates.Keys)}");
            template = null;
        }

        var time = ReadReminderTime(map);
        return template is null || time is null ? null : new ReminderStep(id, title, at, template, time)
        {
            Channel = map.OneOf("channel", StepKeys.Channels),
            TemplateAt = map.ValueAt("template"),
        };
    }

    private ReminderTime? ReadReminderTime(MappingReader map)
    {
        var text = map.Text("at", required: true, example: "3 days before appointment.start");
        if (text is null)
        {
            return null;
        }

        if (text == "now")
        {
            return ReminderTime.Now;
        }

        var match = ReminderPattern().Match(text);
        var offset = match.Success ? Duration.TryParse(match.Groups["duration"].Value) : null;
        if (offset is null)
        {
            file.Diagnostics.Add(ErrorCodes.BadReminderTime, map.ValueAt("at"),
                $"'{text}' is not a reminder time. Write 'now' or '<duration> before|after <anchor>', e.g. '3 days before appointment.start'.");
            return null;
        }

        var anchor = match.Groups["anchor"].Value;
        if (!catalog.Anchors.ContainsKey(anchor))
        {
            file.Diagnostics.Add(ErrorCodes.BadReminderTime, map.ValueAt("at"),
                $"unknown anchor '{anchor}' in the reminder time.{Suggestions.DidYouMean(anchor, catalog.Anchors.Keys)} Anchors are declared in catalog.yaml: {string.Join(", ", catalog.Anchors.Keys)}.");
            return null;
        }

        return new ReminderTime(offset, match.Groups["dir"].Value == "before", anchor);
    }

    private WaitStep? ReadWait(MappingReader map, string id, string? title, SourceLocation at)
    {
        var events = map.TextList("for", required: true, allowSingle: true);
        foreach (var (name, eventAt) in events)
        {
            CheckEvent(name, eventAt);
        }

        return events.Count == 0 ? null : new WaitStep(id, title, at, [.. events.Select(e => e.Value)])
        {
            Timeout = ReadDuration(map, "timeout"),
        };
    }

    private DecideStep? ReadDecide(MappingReader map, string id, string? title, SourceLocation at)
    {
        var branches = new List<Branch>();
        foreach (var node in map.Sequence("branches", required: true)?.Children ?? [])
        {
            if (node is not YamlMappingNode branchNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each branch must be a mapping, e.g. '- { when: high-risk, next: visit-7-days }'.");
                continue;
            }

            var branch = new MappingReader(branchNode, file, $"a branch of step '{id}'", ["when", "next"]);
            var when = ReadCondition(branch, "when", required: true);
            var next = branch.Text("next", required: true, example: "visit-7-days");
            if (when is not null && next is not null)
            {
                branches.Add(new Branch(when, new StepRef(next, branch.ValueAt("next"))));
            }
        }

        var otherwise = map.Text("otherwise", required: true, example: "end");
        return otherwise is null || branches.Count == 0 ? null : new DecideStep(id, title, at, branches, new StepRef(otherwise, map.ValueAt("otherwise")));
    }

    private RecordStep? ReadRecord(MappingReader map, string id, string? title, SourceLocation at)
    {
        var list = map.Text("list");
        if (list is not null && !catalog.Lists.ContainsKey(list))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownList, map.ValueAt("list"),
                $"unknown registry list '{list}'.{Suggestions.DidYouMean(list, catalog.Lists.Keys)} Declare it under 'lists:' in catalog.yaml.");
            return null;
        }

        var fact = map.Id("fact", required: false);
        var value = map.Text("value");
        if (list is null && fact is null)
        {
            file.Diagnostics.Add(ErrorCodes.MissingField, at, $"record step '{id}' needs 'list' (a registry list) or 'fact' with 'value'.");
            return null;
        }

        if (fact is not null && value is null)
        {
            map.Missing("value", "true");
            return null;
        }

        return new RecordStep(id, title, at) { List = list, Fact = fact, Value = value };
    }

    private EscalateStep? ReadEscalate(MappingReader map, string id, string? title, SourceLocation at)
    {
        var role = ReadRole(map);
        var reason = map.Text("reason", required: true, example: "No post-discharge contact in 2 business days");
        return role is null || reason is null ? null : new EscalateStep(id, title, at, role, reason)
        {
            Due = ReadDuration(map, "due"),
            Priority = ReadPriority(map, TaskPriority.High),
        };
    }

    private Routing ReadNext(MappingReader map, StepDefinition step)
    {
        var node = map.Node("next")!;
        if (node is YamlScalarNode { Value: { Length: > 0 } target })
        {
            return new Routing(new StepRef(target.Trim(), file.At(node)), new Dictionary<string, StepRef>());
        }

        if (node is not YamlMappingNode mapping)
        {
            file.Add(ErrorCodes.WrongShape, node, $"'next' in step '{step.Id}' must be a step id or a map of outcome to step id, e.g. 'next: {{ reached: end }}'.");
            return Routing.Following;
        }

        var outcomes = OutcomesOf(step);
        if (outcomes.Count == 0)
        {
            file.Add(ErrorCodes.WrongShape, node, $"a {step.Kind} step has no outcomes to route: write 'next: <step id>'.");
            return Routing.Following;
        }

        var routes = new Dictionary<string, StepRef>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var outcome = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!outcomes.Contains(outcome))
            {
                file.Add(ErrorCodes.UnknownOutcome, keyNode,
                    $"step '{step.Id}' has no outcome '{outcome}'.{Suggestions.DidYouMean(outcome, outcomes)} Its outcomes are: {string.Join(", ", outcomes)}.");
                continue;
            }

            if (valueNode is YamlScalarNode { Value: { Length: > 0 } routedTo })
            {
                routes[outcome] = new StepRef(routedTo.Trim(), file.At(valueNode));
            }
            else
            {
                file.Add(ErrorCodes.WrongShape, valueNode, $"the target of '{outcome}' in step '{step.Id}' must be a step id.");
            }
        }

        return new Routing(null, routes);
    }

    /// <summary>The outcome names a next map may route for a step.</summary>
    public static IReadOnlyList<string> OutcomesOf(StepDefinition step) => step switch
    {
        TaskStep task => [.. task.Outcomes, "completed", "overdue"],
        OutreachStep => [OutreachStep.Reached, OutreachStep.Exhausted],
        WaitStep wait => [.. wait.For, WaitStep.TimeoutOutcome],
        _ => [],
    };

    private Condition? ReadCondition(MappingReader map, string key, bool required = false)
    {
        var text = map.Text(key, required, "high-risk");
        if (text is null)
        {
            return null;
        }

        var condition = new Condition(text, map.TextAt(key));
        if (MappingReader.KebabCase().IsMatch(text) && text.Contains('-', StringComparison.Ordinal) && !ruleNames.Contains(text))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownRule, condition.At,
                $"no rule named '{text}' in rules/.{Suggestions.DidYouMean(text, ruleNames)} Add it to a rule set (e.g. rules/guards.yaml) or write an expression.");
            return null;
        }

        _conditions.Add(condition);
        return condition;
    }

    private string? ReadRole(MappingReader map)
    {
        var role = map.Text("role", required: true, example: "care-manager");
        if (role is not null && !catalog.Roles.ContainsKey(role))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownRole, map.ValueAt("role"),
                $"unknown role '{role}'.{Suggestions.DidYouMean(role, catalog.Roles.Keys)} Declare it under 'roles:' in catalog.yaml, or use one of: {string.Join(", ", catalog.Roles.Keys)}.");
            return null;
        }

        return role;
    }

    private Duration? ReadDuration(MappingReader map, string key)
    {
        var text = map.Text(key);
        if (text is null)
        {
            return null;
        }

        var duration = Duration.TryParse(text);
        if (duration is null)
        {
            file.Diagnostics.Add(ErrorCodes.BadDuration, map.ValueAt(key), $"'{text}' is not a duration. Write {Duration.Grammar}.");
        }

        return duration;
    }

    private static TaskPriority ReadPriority(MappingReader map, TaskPriority fallback) =>
        map.OneOf("priority", StepKeys.Priorities) switch
        {
            "routine" => TaskPriority.Routine,
            "high" => TaskPriority.High,
            "urgent" => TaskPriority.Urgent,
            _ => fallback,
        };

    private string? ReadFile(MappingReader map, string key, string folder, string extension, IReadOnlySet<string> known, string code)
    {
        var text = map.Text(key);
        if (text is null)
        {
            return null;
        }

        var path = text.Contains('/', StringComparison.Ordinal) ? text : $"{folder}{text}{extension}";
        if (!known.Contains(path))
        {
            file.Diagnostics.Add(code, map.ValueAt(key),
                $"no {key} file '{path}' in the workflows folder.{Suggestions.DidYouMean(path, known)} Create it, or name an existing one.");
            return null;
        }

        return path;
    }

    private IEnumerable<string> ReadNames(MappingReader map, string key, IEnumerable<string> known, string code, string what)
    {
        var knownSet = known.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, at) in map.TextList(key))
        {
            if (knownSet.Contains(name))
            {
                yield return name;
            }
            else
            {
                file.Diagnostics.Add(code, at, $"unknown {what} '{name}'.{Suggestions.DidYouMean(name, knownSet)} Declare it under '{key}:' in catalog.yaml.");
            }
        }
    }

    private void CheckEvent(string name, SourceLocation at)
    {
        if (!catalog.Events.ContainsKey(name))
        {
            file.Diagnostics.Add(ErrorCodes.UnknownEvent, at,
                $"unknown event type '{name}'.{Suggestions.DidYouMean(name, catalog.Events.Keys)} Declare it under 'events:' in catalog.yaml.");
        }
    }

    private void CheckLocked(WorkflowDefinition workflow, IReadOnlyList<(string Value, SourceLocation At)> locked)
    {
        foreach (var (path, at) in locked)
        {
            var parts = path.Split('.');
            var valid = parts switch
            {
                [var top] => TopKeys.Contains(top),
                ["steps", var stepId, var field] => workflow.Step(stepId) is not null && StepKeys.Overridable.Contains(field),
                _ => false,
            };
            if (!valid)
            {
                file.Diagnostics.Add(ErrorCodes.InvalidValue, at,
                    $"'{path}' is not a field that can be locked. Write a top-level key (e.g. 'title') or 'steps.<step id>.<field>' with one of: {string.Join(", ", StepKeys.Overridable)}.");
            }
        }
    }

    [GeneratedRegex(@"^(?<duration>.+?)\s+(?<dir>before|after)\s+(?<anchor>[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*)$", RegexOptions.CultureInvariant)]
    private static partial Regex ReminderPattern();
}
