using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Rules;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.Time;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Preview;

/// <summary>Reads a scenario file, reporting every problem with its line and column.</summary>
public static class ScenarioReader
{
    private static readonly string[] TopKeys = ["practice", "start", "end", "patients", "events", "description"];
    private static readonly string[] PracticeKeys = ["id", "name", "timezone", "holidays", "opens", "closes"];
    private static readonly string[] PatientKeys = ["id", "facts"];
    private static readonly string[] EventKeys = ["id", "at", "type", "patient", "data", "step", "outcome", "minutes", "note", "by"];

    /// <summary>Reads the file; throws <see cref="DefinitionException"/> listing every problem.</summary>
    public static Scenario Read(string path, string? displayPath = null)
    {
        var diagnostics = new Diagnostics();
        var display = displayPath ?? path;
        if (!File.Exists(path))
        {
            throw new DefinitionException([new DefinitionError(ErrorCodes.MissingField, new SourceLocation(display, 1, 1), "the scenario file does not exist. Check the path given with --scenario.")]);
        }

        var root = YamlFile.Load(path, display, diagnostics);
        var scenario = root is YamlMappingNode mapping ? Read(mapping, new SourceFile(display, diagnostics)) : null;
        if (root is not null and not YamlMappingNode)
        {
            diagnostics.Add(ErrorCodes.WrongShape, new SourceLocation(display, 1, 1), "a scenario must be a mapping with practice, start, end, patients and events.");
        }

        return scenario is not null && !diagnostics.HasErrors ? scenario : throw new DefinitionException(diagnostics.Sorted());
    }

    private static Scenario? Read(YamlMappingNode root, SourceFile file)
    {
        var map = new MappingReader(root, file, "the scenario", TopKeys);
        var practice = ReadPractice(map, file);
        if (practice is null)
        {
            return null;
        }

        var calendar = practice.Calendar;
        var start = LocalTime(map, "start", calendar, required: true);
        var end = LocalTime(map, "end", calendar, required: true);
        if (start is not null && end is not null && end <= start)
        {
            file.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("end"), "'end' is not after 'start'. A scenario must end after it starts.");
        }

        var patients = new List<ScenarioPatient>();
        foreach (var node in map.Sequence("patients", required: true)?.Children ?? [])
        {
            if (node is YamlMappingNode patientNode && ReadPatient(new MappingReader(patientNode, file, "a patient", PatientKeys)) is { } patient)
            {
                if (patients.Any(p => p.Id == patient.Id))
                {
                    file.Add(ErrorCodes.InvalidValue, node, $"patient '{patient.Id}' is listed twice. Give each patient its own id.");
                }

                patients.Add(patient);
            }
            else if (node is not YamlMappingNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each patient must be a mapping with 'id' and 'facts'.");
            }
        }

        var events = new List<WorkflowEvent>();
        var index = 0;
        foreach (var node in map.Sequence("events")?.Children ?? [])
        {
            index++;
            if (node is not YamlMappingNode eventNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each event must be a mapping, e.g. '- { at: 2026-12-24T15:00:00, type: patient.discharged, patient: pt-1 }'.");
                continue;
            }

            var reader = new MappingReader(eventNode, file, $"event {index}", EventKeys);
            if (ReadEvent(reader, practice.Id, calendar, patients, index) is { } e)
            {
                events.Add(e);
            }
        }

        return start is null || end is null ? null : new Scenario(practice, start.Value, end.Value, patients, events);
    }

    private static PracticeSettings? ReadPractice(MappingReader map, SourceFile file)
    {
        if (map.Mapping("practice", required: true) is not { } node)
        {
            return null;
        }

        var practice = new MappingReader(node, file, "the practice", PracticeKeys);
        var id = practice.Id("id", example: "p1");
        var zone = PracticeReader.Zone(practice, required: false);
        var holidays = PracticeReader.Holidays(practice);
        var (opens, closes) = PracticeReader.Hours(practice);
        return id is null || zone is null ? null : new PracticeSettings(id, practice.Text("name") ?? id, zone, holidays, opens, closes);
    }

    private static ScenarioPatient? ReadPatient(MappingReader patient)
    {
        var id = patient.Text("id", required: true, example: "pt-1");
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in patient.Pairs("facts"))
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!FactNames.All.Contains(name))
            {
                patient.File.Add(ErrorCodes.UnknownKey, keyNode, $"unknown fact '{name}'.{Suggestions.DidYouMean(name, FactNames.All)} Facts are listed in docs/facts.md.");
                continue;
            }

            var value = valueNode switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode list => string.Join(',', list.Children.OfType<YamlScalarNode>().Select(c => c.Value)),
                _ => null,
            };
            if (value is null)
            {
                patient.File.Add(ErrorCodes.WrongShape, valueNode, $"fact '{name}' must be a value or a list.");
                continue;
            }

            try
            {
                FactNames.Apply(new PatientFacts(), [new(name, value)]);
                facts[name] = value;
            }
            catch (FormatException ex)
            {
                patient.File.Add(ErrorCodes.InvalidValue, valueNode, ex.Message);
            }
        }

        return id is null ? null : new ScenarioPatient(id, facts);
    }

    private static WorkflowEvent? ReadEvent(MappingReader e, string practiceId, PracticeCalendar calendar, List<ScenarioPatient> patients, int index)
    {
        var at = LocalTime(e, "at", calendar, required: true);
        var type = e.Text("type", required: true, example: "patient.discharged");
        var patient = e.Text("patient", required: true, example: "pt-1");
        if (patient is not null && patients.All(p => p.Id != patient))
        {
            e.File.Diagnostics.Add(ErrorCodes.InvalidValue, e.ValueAt("patient"),
                $"no patient '{patient}' in this scenario.{Suggestions.DidYouMean(patient, patients.Select(p => p.Id))} Add it under 'patients:'.");
            return null;
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in e.Pairs("data"))
        {
            if (key is YamlScalarNode { Value: { } k } && value is YamlScalarNode { Value: { } v })
            {
                data[k] = v;
            }
            else
            {
                e.File.Add(ErrorCodes.WrongShape, value, "each data field must be 'name: value'.");
            }
        }

        if (type == WorkflowEvent.TaskCompleted && e.Text("step") is null)
        {
            e.Missing("step", "contact");
        }

        return at is null || type is null || patient is null ? null : new WorkflowEvent
        {
            EventId = e.Text("id") ?? $"scenario-{index}",
            PracticeId = practiceId,
            PatientId = patient,
            Type = type,
            At = at.Value,
            Data = data,
            Step = e.Text("step"),
            Outcome = e.Text("outcome"),
            Minutes = e.Integer("minutes", min: 0),
            Note = e.Text("note"),
            By = e.Text("by"),
        };
    }

    private static DateTimeOffset? LocalTime(MappingReader map, string key, PracticeCalendar calendar, bool required)
    {
        var text = map.Text(key, required, "2026-12-21T08:00:00");
        if (text is null)
        {
            return null;
        }

        if (DateTime.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return calendar.AtLocalTime(DateOnly.FromDateTime(local), TimeOnly.FromDateTime(local));
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        map.File.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt(key), $"'{text}' is not a time. Write practice-local time as YYYY-MM-DDTHH:mm:ss, e.g. 2026-12-21T08:00:00.");
        return null;
    }

}
