using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diff;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.WhatIf;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CareWorkflows.Host.Api;

/// <summary>
/// What-if and diff for quality staff before they publish (the draft pages call these): the impact of changed files
/// on a practice's patients and care team, and the difference in plain words. Publishing stays
/// <c>POST /api/definitions/{id}/versions</c>.
/// </summary>
internal static class WhatIfApi
{
    // One what-if at a time: a run takes the machine's cores for seconds; a second waits its turn.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static RouteGroupBuilder MapWhatIfApi(this RouteGroupBuilder practice)
    {
        practice.MapPost("/whatif", WhatIfAsync).WithName("WhatIf")
            .WithSummary("Run the current definitions and the changed files (files: repository path -> YAML, or file: one definition's YAML) over the practice's patients on the virtual clock for weeks (default 12) from start (default next Monday); answers the impact report (no patient ids), the plain-words diff and the simulation's assumptions, or 422 with the validator's problems (nothing run).")
            .RequirePermission(Permission.DefinitionsPublish);
        return practice;
    }

    public static RouteGroupBuilder MapDiffApi(this RouteGroupBuilder api)
    {
        api.MapPost("/definitions/diff", Diff).WithName("DiffDefinitions")
            .WithSummary("The difference in plain words: the changed files (files or file) against the current definitions, or old against new (two versions of one definition's YAML). A practice-level key names its practice with ?practice= (a PO-level key needs none). One line per difference with its workflow (or rule set), step (or rule) and kind, for the diagram diff.")
            .RequirePermission(Permission.DefinitionsPublish);
        return api;
    }

    private static async Task<Results<Ok<WhatIfResponse>, ValidationProblem, ProblemHttpResult>> WhatIfAsync(
        string practiceId, WhatIfRequest request, ServeOptions options, IDbContextFactory<CareflowDbContext> contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Weeks is < 1 or > 52)
        {
            errors["weeks"] = [$"Give 1 to 52 weeks, not {request.Weeks}."];
        }

        DateOnly? startDay = null;
        if (request.Start is { } startText)
        {
            startDay = DateOnly.TryParseExact(startText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
            if (startDay is null)
            {
                errors["start"] = [$"'{startText}' is not a date; write YYYY-MM-DD, e.g. 2026-11-30."];
            }
        }

        if (request.ReachPercent is < 0 or > 100 || request.LatePercent is < 0 or > 100)
        {
            errors["reachPercent"] = ["reachPercent and latePercent are percents from 0 to 100."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The what-if request is not valid; nothing was run.");
        }

        using var change = ChangeOf(request.Files, request.File, options);
        var run = await RunAsync(change, practiceId, startDay, request.Weeks, request.ReachPercent, request.LatePercent, request.CareManagers, options, contexts, time, cancellationToken);
        if (run.Report is not { } table)
        {
            return Problems(run.Problems, "The change does not validate with the current definitions; nothing was run.");
        }

        using var json = new MemoryStream();
        ReportFormats.WriteJson(table, json);
        var report = JsonDocument.Parse(json.ToArray()).RootElement.Clone();
        return TypedResults.Ok(new WhatIfResponse(report, Lines(run.Diff), run.Assumptions, Math.Round(run.Elapsed.TotalSeconds, 1)));
    }

    /// <summary>
    /// The what-if the API and the draft page share: validates the change with the whole set, then runs both sides
    /// over the practice's panel (one run at a time). The report has no patient ids.
    /// </summary>
    internal static async Task<WhatIfRun> RunAsync(
        ChangeSet change, string practiceId, DateOnly? startDay, int weeks, int reachPercent, int latePercent, int careManagers,
        ServeOptions options, IDbContextFactory<CareflowDbContext> contexts, TimeProvider time, CancellationToken cancellationToken)
    {
        var current = DefinitionLoader.Load(options.WorkflowsDirectory, options.RulesDirectory);
        var changed = change.Load();
        if (!current.Succeeded || !changed.Succeeded)
        {
            return new WhatIfRun([.. current.Errors.Concat(changed.Errors)], null, [], [], TimeSpan.Zero);
        }

        var calendar = current.Definitions!.Practice(practiceId).Calendar;
        var start = startDay is { } first ? calendar.AtLocalTime(first, TimeOnly.MinValue) : WhatIfRunner.NextMonday(time.GetUtcNow(), calendar);
        var settings = new WhatIfSettings(practiceId, start, weeks) { ReachPercent = reachPercent, LatePercent = latePercent };
        var patients = await PracticePanel.ReadAsync(contexts, practiceId, careManagers > 0 ? careManagers : 5, cancellationToken);
        await OneAtATime.WaitAsync(cancellationToken);
        WhatIfResult result;
        try
        {
            result = await WhatIfRunner.RunAsync(new WhatIfSide("current", current.Definitions, options.RulesDirectory), new WhatIfSide("changed", changed.Definitions!, change.Rules), patients, settings, null, cancellationToken);
        }
        finally
        {
            OneAtATime.Release();
        }

        return new WhatIfRun([], ImpactReport.Build(result, withPatients: false), DefinitionDiff.Compare(current.Definitions, changed.Definitions!), result.Assumptions, result.Elapsed);
    }

    private static Results<Ok<DiffResponse>, ProblemHttpResult> Diff(DiffRequest request, ServeOptions options)
    {
        if (request.Old is { } oldText && request.New is { } newText)
        {
            using var before = ChangeOf(null, oldText, options, "(old)");
            using var after = ChangeOf(null, newText, options, "(new)");
            var (a, b) = (before.Load(), after.Load());
            return a.Succeeded && b.Succeeded
                ? TypedResults.Ok(new DiffResponse(Lines(DefinitionDiff.Compare(a.Definitions!, b.Definitions!))))
                : Problems(a.Errors.Concat(b.Errors), "Only definitions that validate can be compared.");
        }

        var current = DefinitionLoader.Load(options.WorkflowsDirectory, options.RulesDirectory);
        using var change = ChangeOf(request.Files, request.File, options);
        var changed = change.Load();
        return current.Succeeded && changed.Succeeded
            ? TypedResults.Ok(new DiffResponse(Lines(DefinitionDiff.Compare(current.Definitions!, changed.Definitions!))))
            : Problems(current.Errors.Concat(changed.Errors), "Only definitions that validate can be compared.");
    }

    private static ChangeSet ChangeOf(IReadOnlyDictionary<string, string>? files, string? file, ServeOptions options, string display = "(change)") =>
        file is not null
            ? ChangeSet.FromText(file, options.WorkflowsDirectory, options.RulesDirectory, display == "(change)" ? "(file)" : display)
            : ChangeSet.FromFiles(files ?? new Dictionary<string, string>(), options.WorkflowsDirectory, options.RulesDirectory, display);

    private static ProblemHttpResult Problems(IEnumerable<DefinitionError> problems, string title)
    {
        var list = problems.ToList();
        return TypedResults.Problem(
            title: title,
            detail: string.Join("\n", list),
            statusCode: StatusCodes.Status422UnprocessableEntity,
            extensions: new Dictionary<string, object?> { ["problems"] = list.Select(e => new { code = e.Code, at = e.At.ToString(), message = e.Message }).ToList() });
    }

    private static List<DiffEntry> Lines(IReadOnlyList<DiffLine> lines) =>
        [.. lines.Select(l => new DiffEntry(l.Subject, l.Item, l.Kind.ToString().ToLowerInvariant(), l.Text))];

    /// <summary>The what-if: changed files by repository path, or one definition's YAML; weeks, first day and the simulated team's rates.</summary>
    internal sealed record WhatIfRequest(IReadOnlyDictionary<string, string>? Files, string? File, int Weeks = 12, string? Start = null, int ReachPercent = 60, int LatePercent = 10, int CareManagers = 5);

    internal sealed record WhatIfResponse(JsonElement Report, IReadOnlyList<DiffEntry> Diff, IReadOnlyList<string> Assumptions, double Seconds);

    /// <summary>The diff: changed files (or one file) against the current definitions, or old against new.</summary>
    internal sealed record DiffRequest(IReadOnlyDictionary<string, string>? Files, string? File, string? Old, string? New);

    /// <summary>A what-if's outcome: the validator's problems (nothing run), or the report, the diff and the assumptions.</summary>
    internal sealed record WhatIfRun(IReadOnlyList<DefinitionError> Problems, ReportTable? Report, IReadOnlyList<DiffLine> Diff, IReadOnlyList<string> Assumptions, TimeSpan Elapsed);

    internal sealed record DiffEntry(string Subject, string? Item, string Kind, string Text);

    internal sealed record DiffResponse(IReadOnlyList<DiffEntry> Lines)
    {
        public IReadOnlyList<string> Sentences => [.. Lines.Select(l => $"{l.Subject}: {l.Text}")];
    }
}
