using Hl7.Fhir.Serialization;
using R4 = Hl7.Fhir.Model;

namespace CareWorkflows.Engine.Interop.Fhir;

/// <summary>
/// The answer to a FHIR import as an OperationOutcome: one error issue per refused entry problem (with the
/// FHIRPath of the element, e.g. Bundle.entry[3].resource.period.end), warnings, and an information issue that
/// sums up the entries taken and the events applied.
/// </summary>
internal static class FhirOutcome
{
    /// <summary>The media type of FHIR JSON.</summary>
    public const string MediaType = "application/fhir+json";

    /// <summary>The OperationOutcome as FHIR JSON.</summary>
    public static string Json(FhirImporter importer, FhirImportResult? result, ApplySummary? applied) => Build(importer, result, applied).ToJson();

    /// <summary>The OperationOutcome of an import.</summary>
    public static R4.OperationOutcome Build(FhirImporter importer, FhirImportResult? result, ApplySummary? applied)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var outcome = new R4.OperationOutcome();
        foreach (var problem in importer.Problems)
        {
            outcome.Issue.Add(new R4.OperationOutcome.IssueComponent
            {
                Severity = problem.Severity == ProblemSeverity.Error ? R4.OperationOutcome.IssueSeverity.Error : R4.OperationOutcome.IssueSeverity.Warning,
                Code = problem.Severity == ProblemSeverity.Error ? R4.OperationOutcome.IssueType.Invalid : R4.OperationOutcome.IssueType.Informational,
                Diagnostics = Diagnostics(problem),
                Expression = Expression(problem) is { } expression ? [expression] : [],
            });
        }

        outcome.Issue.Add(new R4.OperationOutcome.IssueComponent
        {
            Severity = R4.OperationOutcome.IssueSeverity.Information,
            Code = R4.OperationOutcome.IssueType.Informational,
            Diagnostics = Summary(importer, result, applied),
        });
        return outcome;
    }

    /// <summary>One line: entries taken, refused and passed over; patients; events applied, duplicate, failed.</summary>
    public static string Summary(FhirImporter importer, FhirImportResult? result, ApplySummary? applied)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var text = $"Took {importer.Taken} of {importer.Entries} entries ({importer.Refused} refused, {importer.Ignored} not used: resource types careflow does not read).";
        if (result is not null && applied is not null)
        {
            text += $" Patients: {result.Patients}. Events: {applied.Total} ({applied.Applied} applied, {applied.Duplicates} duplicate, {applied.Failed} failed).";
        }
        else if (importer.Taken == 0)
        {
            text += " Nothing was stored.";
        }

        return text;
    }

    private static string Diagnostics(ImportProblem problem)
    {
        var where = string.Join(" ", new[] { problem.Entry, problem.Resource.Length > 0 ? $"({problem.Resource})" : "" }.Where(s => s.Length > 0));
        var what = problem.Element.Length > 0 ? $"{problem.Element}: {problem.Message}" : problem.Message;
        return where.Length > 0 ? $"{where}: {what}" : what;
    }

    /// <summary>Bundle.entry[3] with Encounter.period.end gives Bundle.entry[3].resource.period.end.</summary>
    private static string? Expression(ImportProblem problem)
    {
        var element = problem.Element;
        if (!problem.Entry.StartsWith("Bundle.entry[", StringComparison.Ordinal))
        {
            return element.Length > 0 ? element : null;
        }

        if (element.Length == 0)
        {
            return problem.Entry;
        }

        var dot = element.IndexOf('.', StringComparison.Ordinal);
        var startsWithType = element.Length > 0 && char.IsAsciiLetterUpper(element[0]);
        return startsWithType
            ? problem.Entry + ".resource" + (dot < 0 ? "" : element[dot..])
            : $"{problem.Entry}.{element}";
    }
}
