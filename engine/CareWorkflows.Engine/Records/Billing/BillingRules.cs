using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CareWorkflows.Engine.Records.Billing;

/// <summary>A billing code and the minutes one unit of it needs.</summary>
/// <param name="Code">The CPT code.</param>
/// <param name="Minutes">Minutes for one unit.</param>
/// <param name="MaxUnits">At most this many units a month; null for no limit.</param>
public sealed record TimeCode(string Code, int Minutes, int? MaxUnits);

/// <summary>A program billed by staff time in a calendar month (CCM, complex CCM, PCM).</summary>
/// <param name="Id">The entry's id in the file.</param>
/// <param name="Title">For people.</param>
/// <param name="Program">The catalog program whose enrolled patients it bills.</param>
/// <param name="ClinicalStaffOnly">True when only roles with clinical: true count.</param>
/// <param name="Roles">Otherwise, the roles whose minutes count.</param>
/// <param name="Base">The first block's code.</param>
/// <param name="AddOn">Each further full block's code, if any.</param>
public sealed record TimeProgram(string Id, string Title, string Program, bool ClinicalStaffOnly, IReadOnlyList<string> Roles, TimeCode Base, TimeCode? AddOn);

/// <summary>What counts as reaching the patient.</summary>
public sealed record ContactRules(IReadOnlyList<string> ReachedOutcomes, IReadOnlyList<string> NotReachedOutcomes, IReadOnlyList<string> Channels)
{
    /// <summary>True when the outcome is an attempt to reach the patient, reached or not.</summary>
    public bool IsAttempt(string? outcome) => outcome is not null && (ReachedOutcomes.Contains(outcome) || NotReachedOutcomes.Contains(outcome));

    /// <summary>True when the outcome means the patient was reached.</summary>
    public bool IsReached(string? outcome) => outcome is not null && ReachedOutcomes.Contains(outcome);
}

/// <summary>The transitional-care rules the tcm report checks each discharge against.</summary>
public sealed record TcmRules
{
    /// <summary>Interactive contact by the close of this business day after the discharge date.</summary>
    public int ContactBusinessDays { get; init; }

    /// <summary>Channels that are interactive contact.</summary>
    public IReadOnlyList<string> InteractiveChannels { get; init; } = [];

    /// <summary>Face-to-face visit within this many days, high complexity (99496).</summary>
    public int HighComplexityDays { get; init; }

    /// <summary>Face-to-face visit within this many days, moderate complexity (99495).</summary>
    public int ModerateComplexityDays { get; init; }

    /// <summary>The TCM period from the discharge date, in days.</summary>
    public int PeriodDays { get; init; }

    /// <summary>Discharge settings that are not transitions of care.</summary>
    public IReadOnlyList<string> ExcludedSettings { get; init; } = [];

    /// <summary>Discharge dispositions that are not transitions of care.</summary>
    public IReadOnlyList<string> ExcludedDispositions { get; init; } = [];

    /// <summary>Events that document a medication reconciliation.</summary>
    public IReadOnlyList<string> MedicationReconciliationEvents { get; init; } = [];

    /// <summary>Task forms that document a medication reconciliation.</summary>
    public IReadOnlyList<string> MedicationReconciliationForms { get; init; } = [];

    /// <summary>Events that are the face-to-face visit.</summary>
    public IReadOnlyList<string> VisitEvents { get; init; } = [];
}

/// <summary>How utilization before and after enrollment is counted.</summary>
public sealed record UtilizationRules(int MonthsBefore, IReadOnlyList<string> EdEvents, IReadOnlyList<string> AdmissionEvents);

/// <summary>
/// <c>rules/codes/billing.yaml</c>: CCM, complex CCM and PCM time thresholds, what reaching a patient means, the TCM
/// windows and the utilization events. Kept as data so that a change of the fee schedule is an edit of that file.
/// </summary>
public sealed record BillingRules(
    IReadOnlyList<TimeProgram> TimePrograms, int NearThresholdMinutes, ContactRules Contacts, TcmRules Tcm, UtilizationRules Utilization)
{
    /// <summary>The file, relative to the rules folder.</summary>
    public const string RelativePath = "codes/billing.yaml";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTime Written, BillingRules Rules)> Cache = new(StringComparer.Ordinal);

    /// <summary>The rules of a rules folder, read again only when the file changed.</summary>
    /// <exception cref="InvalidDataException">The file is missing or wrong; the message names the file, line and column.</exception>
    public static BillingRules ForRules(string rulesDirectory)
    {
        var path = Path.GetFullPath(Path.Join(rulesDirectory, RelativePath));
        var written = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (Cache.TryGetValue(path, out var cached) && cached.Written == written)
        {
            return cached.Rules;
        }

        var display = Path.Join(rulesDirectory, RelativePath).Replace('\\', '/');
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{display}: the billing rules are missing. Reports and time logs need this file (see docs/reports.md).");
        }

        var rules = Parse(File.ReadAllText(path), display);
        Cache[path] = (written, rules);
        return rules;
    }

    /// <summary>Reads the rules from YAML text; <paramref name="displayPath"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The text is not valid; every problem is named with its place.</exception>
    public static BillingRules Parse(string yaml, string displayPath)
    {
        BillingFile file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).WithDuplicateKeyChecking().Build()
                .Deserialize<BillingFile?>(yaml) ?? new BillingFile();
        }
        catch (YamlException ex)
        {
            // YamlDotNet names our CLR types in its messages; say it in the author's words.
            var message = ex.InnerException?.Message ?? ex.Message;
            var unknown = System.Text.RegularExpressions.Regex.Match(ex.Message, "Property '([^']+)' not found on type", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
            if (unknown.Success)
            {
                message = $"unknown key '{unknown.Groups[1].Value}'.";
            }

            throw new InvalidDataException($"{displayPath}:{ex.Start.Line}:{ex.Start.Column}: {message} Compare with the keys described at the top of the shipped file.", ex);
        }

        var problems = new List<string>();
        var programs = new List<TimeProgram>();
        foreach (var (id, entry) in file.TimePrograms ?? [])
        {
            if (entry?.Program is null || entry.Base?.Code is null || entry.Base.Minutes <= 0)
            {
                problems.Add($"{displayPath}: time-programs.{id} needs program and base (code and minutes above 0).");
                continue;
            }

            if (entry.AddOn is { } addOn && (addOn.Code is null || addOn.Minutes <= 0 || addOn.MaxUnits is <= 0))
            {
                problems.Add($"{displayPath}: time-programs.{id}.add-on needs a code, minutes above 0 and, if given, max-units above 0.");
                continue;
            }

            var clinical = entry.Staff is null or ["clinical"];
            programs.Add(new TimeProgram(id, entry.Title ?? id, entry.Program, clinical, clinical ? [] : entry.Staff!,
                new TimeCode(entry.Base.Code, entry.Base.Minutes, null),
                entry.AddOn is { } a ? new TimeCode(a.Code!, a.Minutes, a.MaxUnits) : null));
        }

        var tcm = file.Tcm;
        if (tcm?.HighComplexity is null || tcm.ModerateComplexity is null || tcm.ContactBusinessDays <= 0 || tcm.PeriodDays <= 0)
        {
            problems.Add($"{displayPath}: tcm needs contact-business-days, high-complexity, moderate-complexity and period-days.");
        }

        if (file.Contacts?.ReachedOutcomes is not { Count: > 0 } || file.Contacts.Channels is not { Count: > 0 })
        {
            problems.Add($"{displayPath}: contacts needs reached-outcomes and channels.");
        }

        if (file.Utilization is not { MonthsBefore: > 0 })
        {
            problems.Add($"{displayPath}: utilization needs months-before above 0.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(string.Join(Environment.NewLine, problems));
        }

        return new BillingRules(
            programs,
            file.NearThresholdMinutes,
            new ContactRules(file.Contacts!.ReachedOutcomes!, file.Contacts.NotReachedOutcomes ?? [], file.Contacts.Channels!),
            new TcmRules
            {
                ContactBusinessDays = tcm!.ContactBusinessDays,
                InteractiveChannels = tcm.InteractiveChannels ?? [],
                HighComplexityDays = tcm.HighComplexity!.VisitWithinDays,
                ModerateComplexityDays = tcm.ModerateComplexity!.VisitWithinDays,
                PeriodDays = tcm.PeriodDays,
                ExcludedSettings = tcm.ExcludedSettings ?? [],
                ExcludedDispositions = tcm.ExcludedDispositions ?? [],
                MedicationReconciliationEvents = tcm.MedicationReconciliation?.Events ?? [],
                MedicationReconciliationForms = tcm.MedicationReconciliation?.Forms ?? [],
                VisitEvents = tcm.VisitEvents ?? [],
            },
            new UtilizationRules(file.Utilization!.MonthsBefore, file.Utilization.EdEvents ?? [], file.Utilization.AdmissionEvents ?? []));
    }

    /// <summary>The time program the patient's minutes count for: the first listed whose program they are enrolled in.</summary>
    public TimeProgram? ProgramFor(IEnumerable<string> enrolledPrograms) =>
        TimePrograms.FirstOrDefault(p => enrolledPrograms.Contains(p.Program));

    // The file's shape, for YamlDotNet only; nothing outside this file sees it.
    private sealed class BillingFile
    {
        public Dictionary<string, TimeProgramYaml?>? TimePrograms { get; set; }
        public int NearThresholdMinutes { get; set; }
        public ContactsYaml? Contacts { get; set; }
        public TcmYaml? Tcm { get; set; }
        public UtilizationYaml? Utilization { get; set; }
    }

    private sealed class TimeProgramYaml
    {
        public string? Title { get; set; }
        public string? Program { get; set; }
        [YamlMember(Alias = "staff")]
        public object? StaffValue { get; set; }
        public CodeYaml? Base { get; set; }
        public CodeYaml? AddOn { get; set; }

        public List<string>? Staff => StaffValue switch
        {
            string text => [text],
            List<object> list => [.. list.Select(o => o?.ToString() ?? "")],
            _ => null,
        };
    }

    private sealed class CodeYaml
    {
        public string? Code { get; set; }
        public int Minutes { get; set; }
        public int? MaxUnits { get; set; }
    }

    private sealed class ContactsYaml
    {
        public List<string>? ReachedOutcomes { get; set; }
        public List<string>? NotReachedOutcomes { get; set; }
        public List<string>? Channels { get; set; }
    }

    private sealed class TcmYaml
    {
        public int ContactBusinessDays { get; set; }
        public List<string>? InteractiveChannels { get; set; }
        public ComplexityYaml? HighComplexity { get; set; }
        public ComplexityYaml? ModerateComplexity { get; set; }
        public int PeriodDays { get; set; }
        public List<string>? ExcludedSettings { get; set; }
        public List<string>? ExcludedDispositions { get; set; }
        public MedicationReconciliationYaml? MedicationReconciliation { get; set; }
        public List<string>? VisitEvents { get; set; }
    }

    private sealed class ComplexityYaml
    {
        public string? Code { get; set; }
        public int VisitWithinDays { get; set; }
    }

    private sealed class MedicationReconciliationYaml
    {
        public List<string>? Events { get; set; }
        public List<string>? Forms { get; set; }
    }

    private sealed class UtilizationYaml
    {
        public int MonthsBefore { get; set; }
        public List<string>? EdEvents { get; set; }
        public List<string>? AdmissionEvents { get; set; }
    }
}
