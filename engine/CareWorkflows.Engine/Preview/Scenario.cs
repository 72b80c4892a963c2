using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Preview;

/// <summary>A made-up patient of a scenario, with the facts the rules read.</summary>
public sealed record ScenarioPatient(string Id, IReadOnlyDictionary<string, string> Facts);

/// <summary>
/// A preview: a practice, patients with facts, timed events and an end time (DESIGN section 9).
/// Times in the file are practice-local.
/// </summary>
public sealed record Scenario(PracticeSettings Practice, DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<ScenarioPatient> Patients, IReadOnlyList<WorkflowEvent> Events);
