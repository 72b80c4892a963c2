using System.Globalization;
using System.Text.Json;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Preview;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Tests.Preview;

/// <summary>
/// The example scenarios in workflows/scenarios/ run through the preview exactly as their saved
/// .expected.jsonl timelines say, and the timelines make sense to a care team.
/// </summary>
public class ScenarioTests
{
    private static readonly string[] RequiredFields = ["at", "type", "patient"];

    private static readonly string[] TimelineTypes =
    [
        "instance.started", "instance.ended", "task.created", "task.completed", "task.overdue", "reminder.sent",
        "escalation.created", "enrollment.changed", "list.recorded", "fact.recorded",
    ];

    // pt-2's ED visit is on Wednesday Dec 23: 2 business days for the first call (Christmas Day is a
    // holiday), then one business day after each failed attempt.
    private static readonly string[] EdContactDues = ["2026-12-28T17:00:00-06:00", "2026-12-28T17:00:00-06:00", "2026-12-29T17:00:00-06:00"];

    private static readonly Lazy<DefinitionSet> Definitions = new(() => DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    private static string ScenarioFolder => Path.Join(RepositoryPaths.Workflows, "scenarios");

    /// <summary>Every scenario with a saved timeline, by file name without extension.</summary>
    public static TheoryData<string> ScenariosWithExpectedTimeline() =>
        [.. Directory.EnumerateFiles(ScenarioFolder, "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Where(name => File.Exists(ExpectedPath(name)))
            .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(ScenariosWithExpectedTimeline))]
    public async Task Simulate_Scenario_MatchesExpectedTimeline(string name)
    {
        var (_, actual) = await SimulateAsync(name);
        var expected = ReadLines(ExpectedPath(name));

        AssertSameLines(expected, actual, $"workflows/scenarios/{name}.expected.jsonl");
    }

    [Theory]
    [MemberData(nameof(ScenariosWithExpectedTimeline))]
    public async Task Simulate_SameScenarioTwice_GivesIdenticalTimelines(string name)
    {
        var (_, first) = await SimulateAsync(name);
        var (_, second) = await SimulateAsync(name);

        AssertSameLines(first, second, "the first run");
    }

    [Theory]
    [MemberData(nameof(ScenariosWithExpectedTimeline))]
    public async Task Simulate_Scenario_EveryLineHasAtTypeAndPatientInTimeOrder(string name)
    {
        var (scenario, lines) = await SimulateAsync(name);
        var patients = scenario.Patients.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);

        DateTimeOffset? previous = null;
        foreach (var (line, number) in lines.Select((l, i) => (l, i + 1)))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.True(root.TryGetProperty("at", out var at), $"line {number} has no 'at': {line}");
            Assert.True(root.TryGetProperty("type", out var type), $"line {number} has no 'type': {line}");
            Assert.True(root.TryGetProperty("patient", out var patient), $"line {number} has no 'patient': {line}");

            var when = DateTimeOffset.ParseExact(at.GetString()!, "yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            Assert.True(previous is null || when >= previous, $"line {number} goes back in time: {line}");
            previous = when;
            Assert.Contains(type.GetString()!, TimelineTypes);
            Assert.Contains(patient.GetString()!, patients);
        }
    }

    [Theory]
    [MemberData(nameof(ScenariosWithExpectedTimeline))]
    public async Task Simulate_Scenario_CreatesNoTaskTwice(string name)
    {
        var (scenario, timeline) = await RunAsync(name);

        var duplicates = timeline
            .Where(e => e.Type is "task.created" or "escalation.created")
            .GroupBy(e => (e.PatientId, e.Workflow, e.Step, e.At))
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key.PatientId} {g.Key.Workflow} {g.Key.Step} at {TimelineJson.Format(g.Key.At, scenario.Practice.TimeZone)}")
            .ToList();

        Assert.True(duplicates.Count == 0, "created twice: " + string.Join("; ", duplicates));
    }

    [Fact]
    public async Task TransitionOfCare_ChristmasEveDischarge_ContactDueTuesdayDec29AtClose()
    {
        var lines = await LinesAsync("transition-of-care");

        var contact = Assert.Single(lines, l => Is(l, "task.created", "pt-1", "transition-of-care", "contact"));

        Assert.Equal("care-manager", contact.GetProperty("role").GetString());
        Assert.Equal("2026-12-24T15:00:00-06:00", contact.GetProperty("at").GetString());
        Assert.Equal("2026-12-29T17:00:00-06:00", contact.GetProperty("due").GetString());
    }

    [Fact]
    public async Task TransitionOfCare_NewYearsEveDischargeNotContacted_ExactlyOneUrgentClinicianEscalationAtTheDue()
    {
        var lines = await LinesAsync("transition-of-care");

        var contact = Assert.Single(lines, l => Is(l, "task.created", "pt-2", "transition-of-care", "contact"));
        Assert.Equal("2027-01-05T17:00:00-06:00", contact.GetProperty("due").GetString());
        Assert.Single(lines, l => Is(l, "task.overdue", "pt-2", "transition-of-care", "contact"));

        var escalation = Assert.Single(lines, l => Is(l, "escalation.created", "pt-2", null, null));
        Assert.Equal("clinician", escalation.GetProperty("role").GetString());
        Assert.Equal("escalate-contact", escalation.GetProperty("step").GetString());
        Assert.Equal("2027-01-05T17:00:00-06:00", escalation.GetProperty("at").GetString());
    }

    [Fact]
    public async Task TransitionOfCare_EveryContact_IsDueAtCloseOfABusinessDay()
    {
        var (scenario, timeline) = await RunAsync("transition-of-care");
        var calendar = scenario.Practice.Calendar;

        var contacts = timeline.Where(e => e.Type == "task.created" && e.Workflow == "transition-of-care" && e.Step is "contact" or "contact-retry").ToList();

        Assert.Equal(4, contacts.Count);
        foreach (var contact in contacts)
        {
            var due = TimeZoneInfo.ConvertTime(contact.Due!.Value, scenario.Practice.TimeZone);
            Assert.True(calendar.IsBusinessDay(DateOnly.FromDateTime(due.DateTime)), $"{contact.PatientId} {contact.Step} is due on {due:yyyy-MM-dd}, not a business day.");
            Assert.Equal(new TimeOnly(17, 0), TimeOnly.FromDateTime(due.DateTime));
        }
    }

    [Fact]
    public async Task PlannedVisit_Reminder_ArrivesThreeDaysBeforeEachAppointment()
    {
        var (scenario, timeline) = await RunAsync("planned-visit");
        var appointments = scenario.Events.Where(e => e.Type == "appointment.scheduled").ToList();

        Assert.NotEmpty(appointments);
        foreach (var appointment in appointments)
        {
            var start = DateTime.ParseExact(appointment.Data["start"], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            var reminder = Assert.Single(timeline, e => e.Type == "reminder.sent" && e.PatientId == appointment.PatientId && e.Workflow == "planned-visit" && e.Step == "remind");

            Assert.Equal(start.AddDays(-3), TimeZoneInfo.ConvertTime(reminder.At, scenario.Practice.TimeZone).DateTime);
        }
    }

    [Fact]
    public async Task PlannedVisit_NoShowNotRebooked_PutsPatientOnMissedListAndTellsTheCareManagerOnce()
    {
        var lines = await LinesAsync("planned-visit");

        Assert.Single(lines, l => Is(l, "reminder.sent", "pt-2", "planned-visit", "missed-message"));
        Assert.Equal(3, lines.Count(l => Is(l, "task.created", "pt-2", "planned-visit", "reschedule")));
        var listed = Assert.Single(lines, l => Is(l, "list.recorded", "pt-2", "planned-visit", "record-missed"));
        Assert.Equal("missed-appointments", listed.GetProperty("detail").GetString());
        var escalation = Assert.Single(lines, l => Is(l, "escalation.created", "pt-2", null, null));
        Assert.Equal("care-manager", escalation.GetProperty("role").GetString());
    }

    [Fact]
    public async Task DmPreVisit_OnlyTheHighRiskPatient_GetsTheGroupVisitFlier()
    {
        var lines = await LinesAsync("dm-pre-visit");

        var flier = Assert.Single(lines, l => Is(l, "list.recorded", null, "dm-pre-visit", "record-flier"));
        Assert.Equal("pt-1", flier.GetProperty("patient").GetString());
        Assert.Equal("group-visit-flier", flier.GetProperty("detail").GetString());
        var check = Assert.Single(lines, l => Is(l, "task.created", "pt-1", "dm-pre-visit", "pre-visit-check"));
        Assert.Equal("2027-01-05T10:20:00-06:00", check.GetProperty("due").GetString());
        Assert.Single(lines, l => Is(l, "reminder.sent", "pt-1", "dm-pre-visit", "remind-pre-visit-check") && l.GetProperty("at").GetString() == "2027-01-04T10:00:00-06:00");
        Assert.DoesNotContain(lines, l => Is(l, "task.created", "pt-3", "dm-pre-visit", null));
    }

    [Fact]
    public async Task EdVisitFollowUp_NotReached_ClinicianEscalationAfterThirdAttemptAndNoFollowUpWhenAdmitted()
    {
        var lines = await LinesAsync("ed-visit-follow-up");

        var attempts = lines.Where(l => Is(l, "task.created", "pt-2", "ed-visit-follow-up", "contact")).Select(l => l.GetProperty("due").GetString()!).ToList();
        Assert.Equal(EdContactDues, attempts);
        var escalation = Assert.Single(lines, l => Is(l, "escalation.created", "pt-2", "ed-visit-follow-up", "escalate-not-reached"));
        Assert.Equal("clinician", escalation.GetProperty("role").GetString());
        Assert.DoesNotContain(lines, l => Is(l, "instance.started", "pt-3", "ed-visit-follow-up", null));
    }

    [Fact]
    public async Task Cli_SimulateTransitionOfCare_ExitsZeroAndPrintsTheExpectedJsonLines()
    {
        var scenario = Path.Join(ScenarioFolder, "transition-of-care.yaml");

        var (exitCode, stdout, stderr) = RunCareflow("simulate", "--scenario", scenario, "--workflows", RepositoryPaths.Workflows, "--rules", RepositoryPaths.Rules);

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            foreach (var field in RequiredFields)
            {
                Assert.True(json.RootElement.TryGetProperty(field, out var value) && value.GetString() is { Length: > 0 }, $"no '{field}' in: {line}");
            }
        }

        AssertSameLines(ReadLines(ExpectedPath("transition-of-care")), lines, "workflows/scenarios/transition-of-care.expected.jsonl");
    }

    [Fact]
    public void Cli_SimulateAsTable_ExitsZero()
    {
        var scenario = Path.Join(ScenarioFolder, "transition-of-care.yaml");

        var (exitCode, stdout, stderr) = RunCareflow("simulate", "--scenario", scenario, "--workflows", RepositoryPaths.Workflows, "--rules", RepositoryPaths.Rules, "--format", "table");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stderr: {stderr}");
        // Redirected output is 80 columns wide, so long cells wrap; the patient ids fit.
        Assert.Contains("pt-1", stdout, StringComparison.Ordinal);
        Assert.Contains("pt-3", stdout, StringComparison.Ordinal);
    }

    private static string ExpectedPath(string name) => Path.Join(ScenarioFolder, name + ".expected.jsonl");

    private static string[] ReadLines(string path) =>
        [.. File.ReadAllLines(path).Where(l => l.Length > 0)];

    private static async Task<(Scenario Scenario, IReadOnlyList<TimelineEntry> Timeline)> RunAsync(string name)
    {
        var scenario = ScenarioReader.Read(Path.Join(ScenarioFolder, name + ".yaml"));
        var simulator = new Simulator(new WorkflowRuntime(new DefinitionHistory(Definitions.Value)));
        return (scenario, await simulator.RunAsync(scenario, CancellationToken.None));
    }

    private static async Task<(Scenario Scenario, string[] Lines)> SimulateAsync(string name)
    {
        var (scenario, timeline) = await RunAsync(name);
        return (scenario, [.. timeline.Select(e => TimelineJson.Line(e, scenario.Practice.TimeZone))]);
    }

    private static async Task<List<JsonElement>> LinesAsync(string name)
    {
        var (_, lines) = await SimulateAsync(name);
        return [.. lines.Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    private static bool Is(JsonElement line, string type, string? patient, string? workflow, string? step) =>
        Text(line, "type") == type
        && (patient is null || Text(line, "patient") == patient)
        && (workflow is null || Text(line, "workflow") == workflow)
        && (step is null || Text(line, "step") == step);

    private static string? Text(JsonElement line, string name) =>
        line.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static void AssertSameLines(string[] expected, string[] actual, string expectedName)
    {
        for (var i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                Assert.Fail($"line {i + 1} differs from {expectedName}:{Environment.NewLine}expected: {expected[i]}{Environment.NewLine}actual:   {actual[i]}");
            }
        }

        if (expected.Length != actual.Length)
        {
            var extra = expected.Length > actual.Length
                ? $"missing line {actual.Length + 1}: {expected[actual.Length]}"
                : $"extra line {expected.Length + 1}: {actual[expected.Length]}";
            Assert.Fail($"{expected.Length} lines expected ({expectedName}), {actual.Length} produced; {extra}");
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunCareflow(params string[] arguments) =>
        Integration.CareflowCli.RunAsync(RepositoryPaths.Root, arguments).GetAwaiter().GetResult();
}
