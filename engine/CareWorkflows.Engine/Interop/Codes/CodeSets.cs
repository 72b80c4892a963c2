using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CareWorkflows.Engine.Interop.Codes;

/// <summary>
/// The code sets of <c>rules/codes/conditions.yaml</c>: which SNOMED CT codes and ICD-10 prefixes mean which
/// chronic condition or social need. Every code list lives in that file; none is written in code.
/// </summary>
internal sealed class CodeSets
{
    /// <summary>The FHIR system of SNOMED CT.</summary>
    public const string SnomedSystem = "http://snomed.info/sct";

    /// <summary>The file, relative to the rules folder.</summary>
    public const string RelativePath = "codes/conditions.yaml";

    private static readonly string[] IcdSystems = ["http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10"];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime Written, CodeSets Codes)> Cache = new(StringComparer.Ordinal);

    private readonly Dictionary<string, List<CodeEntry>> _bySnomed = new(StringComparer.Ordinal);
    private readonly List<(string Prefix, CodeEntry Entry)> _byIcdPrefix = [];

    private CodeSets(IReadOnlyList<CodeEntry> entries)
    {
        Entries = entries;
        foreach (var entry in entries)
        {
            foreach (var code in entry.Snomed)
            {
                if (!_bySnomed.TryGetValue(code, out var list))
                {
                    _bySnomed[code] = list = [];
                }

                list.Add(entry);
            }

            _byIcdPrefix.AddRange(entry.Icd10.Select(p => (NormalizeIcd(p), entry)));
        }

        // Longest prefix first, so a specific prefix is tried before a general one.
        _byIcdPrefix.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
    }

    /// <summary>Every condition and social need, in file order (conditions first).</summary>
    public IReadOnlyList<CodeEntry> Entries { get; }

    /// <summary>The condition ids in file order, for a stable order of the conditions fact.</summary>
    public IEnumerable<string> ConditionIds => Entries.Where(e => e.Kind == CodeKind.Condition).Select(e => e.Id);

    /// <summary>
    /// The code sets of a rules folder, read again only when the file changed (for the API, which reads them per request).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing or not in the expected shape.</exception>
    public static CodeSets ForRules(string rulesDirectory)
    {
        var path = Path.GetFullPath(Path.Join(rulesDirectory, RelativePath));
        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (Cache.TryGetValue(path, out var cached) && cached.Written == written)
        {
            return cached.Codes;
        }

        var codes = Load(path);
        Cache[path] = (written, codes);
        return codes;
    }

    /// <summary>Reads <c>&lt;rules&gt;/codes/conditions.yaml</c>.</summary>
    /// <exception cref="InvalidDataException">The file is missing or not in the expected shape; the message names the file and line.</exception>
    public static CodeSets LoadFromRules(string rulesDirectory) => Load(Path.Join(rulesDirectory, RelativePath));

    /// <summary>Reads a code-set file.</summary>
    /// <exception cref="InvalidDataException">The file is missing or not in the expected shape; the message names the file and line.</exception>
    public static CodeSets Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path}: the code sets are missing. Importing needs rules/{RelativePath} (condition ids with their SNOMED CT codes and ICD-10 prefixes).");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads code sets from YAML text; <paramref name="displayPath"/> names it in errors.</summary>
    public static CodeSets Parse(string yaml, string displayPath)
    {
        CodeFile file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build().Deserialize<CodeFile?>(yaml) ?? new CodeFile();
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{displayPath}:{ex.Start.Line}:{ex.Start.Column}: {ex.InnerException?.Message ?? ex.Message}", ex);
        }

        var entries = new List<CodeEntry>();
        foreach (var (id, set) in file.Conditions ?? [])
        {
            entries.Add(Entry(displayPath, id, set, CodeKind.Condition));
        }

        foreach (var (id, set) in file.SocialNeeds ?? [])
        {
            entries.Add(Entry(displayPath, id, set, CodeKind.SocialNeed));
        }

        if (!entries.Any(e => e.Kind == CodeKind.Condition))
        {
            throw new InvalidDataException($"{displayPath}: no conditions are defined. Give `conditions:` with condition ids and their codes.");
        }

        return new CodeSets(entries);
    }

    /// <summary>The entries a coding means: SNOMED CT exactly, ICD-10 by prefix; nothing for other systems.</summary>
    public IEnumerable<CodeEntry> Match(string? system, string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return [];
        }

        if (system == SnomedSystem)
        {
            return _bySnomed.TryGetValue(code.Trim(), out var list) ? list : [];
        }

        return IcdSystems.Contains(system) ? MatchIcd10(code) : [];
    }

    /// <summary>The entries an ICD-10 code means (E11.9 and E119 alike).</summary>
    public IEnumerable<CodeEntry> MatchIcd10(string code)
    {
        var normalized = NormalizeIcd(code);
        return _byIcdPrefix.Where(p => normalized.StartsWith(p.Prefix, StringComparison.Ordinal)).Select(p => p.Entry).Distinct();
    }

    /// <summary>The condition with this id, if there is one.</summary>
    public CodeEntry? Condition(string id) => Entries.FirstOrDefault(e => e.Kind == CodeKind.Condition && e.Id == id);

    private static string NormalizeIcd(string code) => code.Trim().Replace(".", "", StringComparison.Ordinal).ToUpperInvariant();

    private static CodeEntry Entry(string displayPath, string id, CodeSetYaml? set, CodeKind kind)
    {
        if (set is null || ((set.Snomed?.Count ?? 0) == 0 && (set.Icd10?.Count ?? 0) == 0))
        {
            throw new InvalidDataException($"{displayPath}: '{id}' has no codes. Give snomed: and/or icd10: lists.");
        }

        return new CodeEntry(id, kind, set.Title ?? id, [.. (set.Snomed ?? []).Select(s => s.Trim())], [.. (set.Icd10 ?? []).Select(s => s.Trim())])
        {
            BehavioralHealth = set.BehavioralHealth,
            Homeless = set.Homeless,
        };
    }

    private sealed class CodeFile
    {
        public Dictionary<string, CodeSetYaml?>? Conditions { get; set; }

        public Dictionary<string, CodeSetYaml?>? SocialNeeds { get; set; }
    }

    private sealed class CodeSetYaml
    {
        public string? Title { get; set; }

        public List<string>? Snomed { get; set; }

        [YamlMember(Alias = "icd10")]
        public List<string>? Icd10 { get; set; }

        public bool BehavioralHealth { get; set; }

        public bool Homeless { get; set; }
    }
}

/// <summary>Whether a code set is a chronic condition or a social need.</summary>
internal enum CodeKind
{
    /// <summary>A chronic condition (patient.Conditions).</summary>
    Condition,

    /// <summary>A social need (patient.SocialNeeds).</summary>
    SocialNeed,
}

/// <summary>One condition or social need with its codes.</summary>
/// <param name="Id">The condition or need id rules compare against.</param>
/// <param name="Kind">Condition or social need.</param>
/// <param name="Title">What it is, for people.</param>
/// <param name="Snomed">SNOMED CT concept ids.</param>
/// <param name="Icd10">ICD-10 prefixes.</param>
internal sealed record CodeEntry(string Id, CodeKind Kind, string Title, IReadOnlyList<string> Snomed, IReadOnlyList<string> Icd10)
{
    /// <summary>The condition is a behavioral-health need.</summary>
    public bool BehavioralHealth { get; init; }

    /// <summary>The need means the patient is homeless.</summary>
    public bool Homeless { get; init; }
}
