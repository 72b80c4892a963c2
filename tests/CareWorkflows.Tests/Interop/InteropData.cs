using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Interop.Fhir;

namespace CareWorkflows.Tests.Interop;

/// <summary>
/// The test data of Interop/Data (read from the source folder), the shipped code sets, and the time the imports
/// are made at: the bundles were written so that, on 2026-11-20 15:00 UTC, the recent discharges, visits and
/// appointments fall inside the windows.
/// </summary>
internal static class InteropData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    /// <summary>Maria: type 2 diabetes with HbA1c rising to 9.6, hypertension, hyperlipidemia; two ED visits in 12 months.</summary>
    public const string Maria = "308837f6-3360-563a-8d00-ab6adf6bd679";

    /// <summary>James: heart failure, CKD, COPD, hypertension, depression; ED visit then an inpatient stay ending 2026-11-14.</summary>
    public const string James = "bab3b226-e17a-5d7b-b927-7cbc89dd8b9e";

    /// <summary>Lena: asthma only, no recent care.</summary>
    public const string Lena = "dedbd146-01cd-59f7-88d3-55ac8b81c3ec";

    public static string Folder => Path.Join(RepositoryPaths.Root, "tests", "CareWorkflows.Tests", "Interop", "Data");

    public static string Synthea => Path.Join(Folder, "synthea");

    public static string Ndjson => Path.Join(Folder, "ndjson");

    public static string BrokenCollection => Path.Join(Folder, "broken-collection.json");

    public static CodeSets Codes { get; } = CodeSets.LoadFromRules(RepositoryPaths.Rules);

    /// <summary>Reads every Synthea bundle of Data/synthea.</summary>
    public static FhirImporter ReadSynthea()
    {
        var importer = new FhirImporter(Codes);
        foreach (var file in Directory.EnumerateFiles(Synthea, "*.json").Order(StringComparer.Ordinal))
        {
            Assert.True(importer.ReadBundle(File.ReadAllBytes(file), Path.GetFileName(file)));
        }

        return importer;
    }

    /// <summary>Reads the NDJSON files of Data/ndjson.</summary>
    public static async Task<FhirImporter> ReadNdjsonAsync()
    {
        var importer = new FhirImporter(Codes);
        foreach (var file in Directory.EnumerateFiles(Ndjson, "*.ndjson").Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(file);
            await importer.ReadNdjsonAsync(stream, Path.GetFileName(file), CancellationToken.None);
        }

        return importer;
    }
}

/// <summary>A clock that stands still.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
