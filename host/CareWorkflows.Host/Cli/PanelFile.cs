using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Interop.Csv;
using CareWorkflows.Engine.Interop.Fhir;
using CareWorkflows.Engine.Rules;

namespace CareWorkflows.Host.Cli;

/// <summary>A panel file for <c>careflow stratify</c> and <c>careflow whatif</c>: a member-list CSV, or FHIR R4 (NDJSON or a Bundle).</summary>
internal static class PanelFile
{
    /// <summary>
    /// Reads the panel's patients with their facts: a member-list CSV, or FHIR R4 (NDJSON or a Bundle) through the
    /// same derivation as `careflow import`. Problems go to stderr with their row, column or entry.
    /// </summary>
    public static async Task<(List<(string PatientId, PatientFacts Facts)> Patients, int Refused)> ReadAsync(FileInfo file, string practice, CodeSets codes, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        IReadOnlyList<Engine.Runtime.WorkflowEvent> events;
        int refused;
        if (file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var read = new MemberListReader(codes).Read(file.FullName, practice, now);
            read.Problems.ToList().ForEach(p => Console.Error.WriteLine(p));
            (events, refused) = (read.Events, read.Refused);
        }
        else
        {
            var importer = new FhirImporter(codes);
            if (file.Extension.Equals(".ndjson", StringComparison.OrdinalIgnoreCase))
            {
                await using var stream = file.OpenRead();
                await importer.ReadNdjsonAsync(stream, file.Name, cancellationToken);
            }
            else
            {
                importer.ReadBundle(await File.ReadAllBytesAsync(file.FullName, cancellationToken), file.Name);
            }

            importer.Problems.ToList().ForEach(p => Console.Error.WriteLine(p));
            events = FhirDerivation.Derive(importer, practice, now, new FhirImportOptions()).Events;
            refused = importer.Refused + importer.Unreadable;
        }

        // A patient's facts are the patient.updated events in order (FHIR sends the counts in a second one).
        var facts = new Dictionary<string, PatientFacts>(StringComparer.Ordinal);
        foreach (var e in events.Where(e => e.Type == "patient.updated"))
        {
            facts[e.PatientId] = FactNames.Apply(facts.GetValueOrDefault(e.PatientId) ?? new PatientFacts(), e.Data.Where(d => FactNames.All.Contains(d.Key)));
        }

        return ([.. facts.Select(f => (f.Key, f.Value))], refused);
    }

}
