using System.Net.Http.Json;
using System.Text;
using CareWorkflows.Engine.Preview;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Audit;

/// <summary>
/// Issue 7: logs never carry names, birth dates, phone numbers, addresses or MRNs. Every shipped scenario is run
/// through <c>careflow simulate</c> and replayed against the real <c>careflow serve --verbose</c> (Debug logging) with
/// PHI in event data, notes, query strings and a FHIR Patient; then every console line and every line of the
/// compact JSON log file is searched for those values.
/// </summary>
[Trait("Category", "Integration")]
public sealed class PhiInLogsTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Name = "Zebulon Quaintance";
    private const string Family = "Quaintance";
    private const string BirthDate = "1948-03-17";
    private const string Phone = "555-201-7788";
    private const string Address = "1742 Evergreen Terrace";
    private const string Mrn = "MRN88124477";
    private static readonly string[] Phi = [Name, Family, BirthDate, Phone, Address, Mrn];

    private static string ScenarioFolder => Path.Join(RepositoryPaths.Workflows, "scenarios");

    [Fact]
    public async Task ScenarioSuiteAndPhiBearingRequests_AtDebug_LeaveNoPhiInAnyLogLine()
    {
        var simulated = await SimulateWithPhiAsync();
        CopyShippedWorkflows();
        var careflow = await StartAsync("--verbose");
        var client = careflow.Client;

        using (var fhir = await client.PostAsync(new Uri("api/practices/phi/fhir", UriKind.Relative), new StringContent(Bundle(), Encoding.UTF8, "application/fhir+json")))
        {
            Assert.True(fhir.IsSuccessStatusCode, await fhir.Content.ReadAsStringAsync());
        }

        foreach (var file in Directory.EnumerateFiles(ScenarioFolder, "*.yaml"))
        {
            var scenario = ScenarioReader.Read(file);
            var practice = "phi-" + Path.GetFileNameWithoutExtension(file);
            var events = scenario.Patients.Select(p => new EventPost
            {
                Id = $"{practice}-{p.Id}-facts",
                Type = "patient.updated",
                Patient = p.Id,
                Data = p.Facts,
            }).Concat(scenario.Events.Select((e, i) => new EventPost
            {
                Id = $"{practice}-{i}",
                Type = e.Type,
                Patient = e.PatientId,
                Step = e.Step,
                Outcome = e.Outcome,
                Minutes = e.Minutes,
                By = Name,
                Data = new Dictionary<string, string>(e.Data) { ["patient-name"] = Name, ["birth-date"] = BirthDate, ["phone"] = Phone, ["address"] = Address, ["mrn"] = Mrn },
            })).ToList();
            using var posted = await client.PostEventsAsync(practice, events);
            Assert.True(posted.IsSuccessStatusCode, $"{file}: {await posted.Content.ReadAsStringAsync()}");
            var tasks = await client.TasksAsync(practice, $"status=all&assignee={Uri.EscapeDataString(Name)}&role={Phone}");
            foreach (var patient in scenario.Patients)
            {
                await client.TimelineAsync(practice, patient.Id);
            }
        }

        // Refused input that carries PHI: a wrong type, an unknown fact, a task completion with a note.
        using var wrongType = await client.PostAsync(new Uri("api/practices/phi/events", UriKind.Relative),
            new StringContent($$"""{"id":"bad-1","type":"patient.discharged","patient":"pt-x","minutes":"{{Phone}}"}""", Encoding.UTF8, "application/json"));
        using var unknownFact = await client.PutAsJsonAsync(new Uri("api/practices/phi/patients/pt-x/facts", UriKind.Relative), new Dictionary<string, string> { ["phone"] = Phone, ["age"] = BirthDate });
        var open = (await client.TasksAsync("phi-transition-of-care", "status=open")).FirstOrDefault();
        if (open is not null)
        {
            using var completed = await client.PostAsJsonAsync(new Uri($"api/practices/phi-transition-of-care/tasks/{open.Id}/complete", UriKind.Relative),
                new { outcome = open.Outcomes.FirstOrDefault(), minutes = 5, note = $"Spoke with {Name} at {Phone}, {Address}", by = Name });
        }

        await Task.Delay(TimeSpan.FromSeconds(2)); // a few timer sweeps over the PHI-bearing events
        var logFiles = Directory.EnumerateFiles(Path.Join(Workspace.Data, "logs"), "*.json").ToList();
        var lines = careflow.AllOutput.Select(l => ("console", l))
            .Concat(logFiles.SelectMany(f => ReadShared(f).Select(l => (Path.GetFileName(f), l))))
            .Concat(simulated.Select(l => ("simulate stderr", l)))
            .ToList();

        Assert.NotEmpty(logFiles);
        Assert.Contains(lines, l => l.l.Contains("[DBG]", StringComparison.Ordinal) || l.l.Contains("\"@l\":\"Debug\"", StringComparison.Ordinal));
        var leaks = lines.Where(l => Phi.Any(v => l.l.Contains(v, StringComparison.OrdinalIgnoreCase))).Select(l => $"{l.Item1}: {l.l}").Take(20).ToList();
        Assert.True(leaks.Count == 0, $"PHI in {leaks.Count} log line(s):\n{string.Join('\n', leaks)}");
        Output.WriteLine($"searched {lines.Count} log lines for {Phi.Length} PHI values");
    }

    /// <summary>Runs every shipped scenario, with PHI in every event's note, through careflow simulate; answers its stderr lines.</summary>
    private async Task<IReadOnlyList<string>> SimulateWithPhiAsync()
    {
        var folder = Path.Join(Workspace.Root, "scenarios");
        Directory.CreateDirectory(folder);
        var lines = new List<string>();
        foreach (var file in Directory.EnumerateFiles(ScenarioFolder, "*.yaml"))
        {
            var text = string.Join('\n', File.ReadAllLines(file).Select(l =>
                l.TrimStart().StartsWith("- { at:", StringComparison.Ordinal) && l.TrimEnd().EndsWith('}') && !l.Contains("note:", StringComparison.Ordinal)
                    ? l.TrimEnd()[..^1].TrimEnd() + $", note: \"Spoke with {Name} ({BirthDate}) at {Phone}, {Address}, {Mrn}\" }}"
                    : l));
            var copy = Path.Join(folder, Path.GetFileName(file));
            await File.WriteAllTextAsync(copy, text);
            var (exit, _, stderr) = await CareflowCli.RunAsync(RepositoryPaths.Root, "simulate", "--scenario", copy, "--workflows", RepositoryPaths.Workflows, "--rules", RepositoryPaths.Rules);
            Assert.True(exit == 0, $"simulate {Path.GetFileName(file)} exited {exit}: {stderr}");
            lines.AddRange(stderr.Split('\n'));
        }

        return lines;
    }

    private void CopyShippedWorkflows()
    {
        foreach (var (from, to) in new[] { (RepositoryPaths.Workflows, Workspace.Workflows), (RepositoryPaths.Rules, Workspace.Rules) })
        {
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var target = Path.Join(to, Path.GetRelativePath(from, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }

        foreach (var test in Directory.EnumerateFiles(CareflowWorkspace.TestWorkflows))
        {
            File.Delete(Path.Join(Workspace.Workflows, Path.GetFileName(test)));
        }
    }

    private static string[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    private static string Bundle() => $$"""
        {
          "resourceType": "Bundle", "type": "collection",
          "entry": [
            { "resource": { "resourceType": "Patient", "id": "phi-1",
                "identifier": [ { "system": "urn:oid:1.2.36.146.595.217.0.1", "type": { "coding": [ { "code": "MR" } ] }, "value": "{{Mrn}}" } ],
                "name": [ { "family": "{{Family}}", "given": [ "Zebulon" ], "text": "{{Name}}" } ],
                "telecom": [ { "system": "phone", "value": "{{Phone}}" } ],
                "birthDate": "{{BirthDate}}",
                "address": [ { "line": [ "{{Address}}" ], "city": "Springfield" } ] } },
            { "resource": { "resourceType": "Condition", "id": "phi-c1", "subject": { "reference": "Patient/phi-1" },
                "clinicalStatus": { "coding": [ { "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active" } ] },
                "code": { "coding": [ { "system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes" } ], "text": "Diabetes of {{Name}}" } } },
            { "resource": { "resourceType": "Encounter", "id": "phi-e1", "status": "finished", "subject": { "reference": "Patient/phi-1" },
                "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP" },
                "period": { "start": "{{CareflowApi.Iso(CareflowApi.Now.AddDays(-3))}}", "end": "{{CareflowApi.Iso(CareflowApi.Now.AddDays(-1))}}" } } }
          ]
        }
        """;
}
