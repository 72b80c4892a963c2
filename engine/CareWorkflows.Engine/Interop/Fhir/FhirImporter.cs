using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using CareWorkflows.Engine.Interop.Codes;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace CareWorkflows.Engine.Interop.Fhir;

/// <summary>
/// Reads FHIR R4 data (Bundles and NDJSON files) through the Firely SDK and keeps, per resource, what facts and
/// events need. Every entry is parsed on its own, so a broken entry is refused with its location and the element
/// at fault while the others are taken. Entries of resource types careflow does not read are passed over.
/// A resource read twice keeps its newest version (meta.versionId, else meta.lastUpdated, else the later read).
/// </summary>
internal sealed partial class FhirImporter(CodeSets codes)
{
    private static readonly string[] BundleTypes = ["transaction", "batch", "collection", "searchset"];

    private readonly FhirExtractor _extractor = new(codes);
    private readonly Dictionary<string, FhirRecord> _records = new(StringComparer.Ordinal);
    private readonly List<string> _patientOrder = [];
    private readonly HashSet<string> _patientsSeen = new(StringComparer.Ordinal);
    private readonly List<ImportProblem> _problems = [];
    private long _order;

    /// <summary>The code sets conditions are matched with.</summary>
    public CodeSets Codes { get; } = codes;

    /// <summary>Entries (or NDJSON lines) read.</summary>
    public int Entries { get; private set; }

    /// <summary>Entries taken.</summary>
    public int Taken { get; private set; }

    /// <summary>Entries refused, each with at least one error in <see cref="Problems"/>.</summary>
    public int Refused { get; private set; }

    /// <summary>Entries of resource types careflow does not read (Practitioner, Claim ...), passed over.</summary>
    public int Ignored { get; private set; }

    /// <summary>Files or bodies that were not a Bundle (or not JSON) and so were not read at all.</summary>
    public int Unreadable { get; private set; }

    /// <summary>Every problem found, in the order found.</summary>
    public IReadOnlyList<ImportProblem> Problems => _problems;

    /// <summary>The records kept, by resource.</summary>
    public IReadOnlyCollection<FhirRecord> Records => _records.Values;

    /// <summary>Patient ids in the order they were first seen.</summary>
    public IReadOnlyList<string> PatientOrder => _patientOrder;

    /// <summary>Reads one Bundle (transaction, batch, collection or searchset); false when it is not one.</summary>
    public bool ReadBundle(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            return NotABundle(source, "", $"not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var resourceType) || resourceType.ValueKind != JsonValueKind.String)
            {
                return NotABundle(source, "resourceType", "missing. Send a FHIR Bundle: a JSON object with \"resourceType\": \"Bundle\".");
            }

            if (resourceType.GetString() != "Bundle")
            {
                return NotABundle(source, "resourceType", $"'{resourceType.GetString()}' is not a Bundle. Send a Bundle of type transaction, batch or collection (one resource per line is NDJSON: name the file .ndjson).");
            }

            var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String ? typeElement.GetString() : null;
            if (type is null || !BundleTypes.Contains(type))
            {
                return NotABundle(source, "Bundle.type", $"{(type is null ? "missing" : $"'{type}' is not read")}. careflow imports Bundles of type {string.Join(", ", BundleTypes)}.");
            }

            if (!root.TryGetProperty("entry", out var entries))
            {
                return true;
            }

            if (entries.ValueKind != JsonValueKind.Array)
            {
                return NotABundle(source, "Bundle.entry", "not a list of entries.");
            }

            // A reference may name another entry by its fullUrl (urn:uuid:... in Synthea's transaction bundles).
            var fullUrls = new Dictionary<string, (string Type, string Id)>(StringComparer.Ordinal);
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && Text(entry, "fullUrl") is { } url && entry.TryGetProperty("resource", out var resource)
                    && resource.ValueKind == JsonValueKind.Object && Text(resource, "resourceType") is { } entryType)
                {
                    fullUrls.TryAdd(url, (entryType, Text(resource, "id") ?? url.Replace("urn:uuid:", "", StringComparison.Ordinal)));
                }
            }

            (string Type, string Id)? Resolve(string reference) => fullUrls.TryGetValue(reference, out var target) ? target : ParseReference(reference);

            var index = 0;
            foreach (var entry in entries.EnumerateArray())
            {
                var location = $"Bundle.entry[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    Entries++;
                    Refuse(source, location, "", "", "not a JSON object.");
                    continue;
                }

                if (entry.TryGetProperty("request", out var request) && request.ValueKind == JsonValueKind.Object && Text(request, "method") == "DELETE")
                {
                    Entries++;
                    Ignored++;
                    Warn(source, location, "", "request.method", "DELETE is not carried out: careflow keeps no resources, only what they mean for care. Nothing was changed.");
                    continue;
                }

                if (!entry.TryGetProperty("resource", out var resource))
                {
                    Entries++;
                    Refuse(source, location, "", "resource", "missing. Each entry carries one resource.");
                    continue;
                }

                ReadResource(resource, source, location, Text(entry, "fullUrl"), Resolve);
            }
        }

        return true;
    }

    /// <summary>Reads NDJSON: one resource per line (a FHIR bulk-data export file).</summary>
    public async Task ReadNdjsonAsync(Stream stream, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var location = $"line {lineNumber}";
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                Entries++;
                Refuse(source, location, "", "", $"not valid JSON: {ex.Message}");
                continue;
            }

            using (document)
            {
                if (Text(document.RootElement, "resourceType") == "Bundle")
                {
                    Entries++;
                    Refuse(source, location, "", "resourceType", "a Bundle on one line of an NDJSON file is not read: put one resource on each line, or import the Bundle as a .json file.");
                    continue;
                }

                ReadResource(document.RootElement, source, location, null, ParseReference);
            }
        }
    }

    private void ReadResource(JsonElement resource, string source, string location, string? fullUrl, Func<string, (string Type, string Id)?> resolve)
    {
        Entries++;
        if (resource.ValueKind != JsonValueKind.Object || Text(resource, "resourceType") is not { } type)
        {
            Refuse(source, location, "", "resourceType", "missing. Each resource is a JSON object with its resourceType.");
            return;
        }

        if (!FhirExtractor.ReadTypes.Contains(type))
        {
            Ignored++;
            return;
        }

        var label = Text(resource, "id") is { } id ? $"{type}/{id}" : type;
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(resource));
        if (!FhirJsonDeserializer.DEFAULT.TryDeserializeResource(reader, out var parsed, out var issues) || parsed is null)
        {
            Refused++;
            var any = false;
            foreach (var issue in issues)
            {
                any = true;
                var (element, message) = issue is ExtendedCodedException extended
                    ? (ElementPath(extended.InstancePath, type), extended.BaseErrorMessage)
                    : ("", issue.Message);
                _problems.Add(new ImportProblem(source, location, element, Redact(type, element, message)) { Resource = label });
            }

            if (!any)
            {
                _problems.Add(new ImportProblem(source, location, type, "could not be read as a FHIR R4 resource.") { Resource = label });
            }

            return;
        }

        var problems = new List<(string Element, string Message, ProblemSeverity Severity)>();
        var record = _extractor.Extract(parsed, fullUrl, resolve, _order++, problems);
        foreach (var (element, message, severity) in problems)
        {
            _problems.Add(new ImportProblem(source, location, element, Redact(type, element, message), severity) { Resource = label });
        }

        if (problems.Any(p => p.Severity == ProblemSeverity.Error))
        {
            Refused++;
            return;
        }

        Taken++;
        if (record is not null)
        {
            Keep(record);
        }
    }

    private void Keep(FhirRecord record)
    {
        if (_records.TryGetValue(record.Key, out var known) && !record.Version.Supersedes(known.Version))
        {
            return;
        }

        _records[record.Key] = record;
        if (_patientsSeen.Add(record.PatientId))
        {
            _patientOrder.Add(record.PatientId);
        }
    }

    private bool NotABundle(string source, string element, string message)
    {
        Unreadable++;
        _problems.Add(new ImportProblem(source, "", element, message));
        return false;
    }

    private void Refuse(string source, string location, string label, string element, string message)
    {
        Refused++;
        _problems.Add(new ImportProblem(source, location, element, message) { Resource = label });
    }

    private void Warn(string source, string location, string label, string element, string message) =>
        _problems.Add(new ImportProblem(source, location, element, message, ProblemSeverity.Warning) { Resource = label });

    /// <summary>Patient/123, Patient/123/_history/2 and https://ehr.example/fhir/Patient/123 name Patient 123.</summary>
    internal static (string Type, string Id)? ParseReference(string reference)
    {
        var match = ReferencePattern().Match(reference);
        return match.Success ? (match.Groups["type"].Value, match.Groups["id"].Value) : null;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string ElementPath(string? instancePath, string type) =>
        string.IsNullOrEmpty(instancePath) ? type
        : instancePath.StartsWith("$this", StringComparison.Ordinal) ? type + instancePath[5..]
        : instancePath;

    /// <summary>Leaves quoted values out of messages about patient demographics (birth date, name, address ...).</summary>
    private static string Redact(string type, string element, string message) =>
        type == "Patient" || DemographicElement().IsMatch(element) ? QuotedValue().Replace(message, "'(value not shown)'") : message;

    [GeneratedRegex(@"(?:^|/)(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-\.]{1,64})(?:/_history/[A-Za-z0-9\-\.]{1,64})?$")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"\.(name|telecom|address|birthDate|identifier|contact|photo)\b")]
    private static partial Regex DemographicElement();

    [GeneratedRegex("'[^']*'")]
    private static partial Regex QuotedValue();
}
