using System.Globalization;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Runtime;
using CsvHelper;
using static CareWorkflows.Engine.Interop.Csv.MemberColumns;

namespace CareWorkflows.Engine.Interop.Csv;

/// <summary>What reading a member list gave: one patient.updated event per good row, and the problems.</summary>
internal sealed record MemberListResult
{
    /// <summary>One patient.updated per row taken, in file order.</summary>
    public required IReadOnlyList<WorkflowEvent> Events { get; init; }

    /// <summary>Problems, each naming the row and column.</summary>
    public required IReadOnlyList<ImportProblem> Problems { get; init; }

    /// <summary>Data rows read (the header not counted).</summary>
    public int Rows { get; init; }

    /// <summary>Rows taken.</summary>
    public int Taken { get; init; }

    /// <summary>The medical record numbers of the rows taken (column mrn), with each row's practice.</summary>
    public IReadOnlyList<(string PracticeId, Persistence.PatientIdentifier Identifier)> Identifiers { get; init; } = [];

    /// <summary>Rows refused (each with at least one error).</summary>
    public int Refused { get; init; }
}

/// <summary>
/// Reads a payer member list (CSV, RFC 4180: quoted fields may hold commas, quotes and line breaks) into
/// patient.updated events. Strict: every value is checked, and every problem names the row and the column
/// ("members.csv: row 17, column hba1c: 'abc' is not a number"). Rows are numbered as lines of the file, the header
/// being row 1. A bad row is refused and reported; the good rows are taken. Values of identifying columns (member id,
/// birth date) are never put in messages.
/// </summary>
internal sealed class MemberListReader(CodeSets codes)
{
    private const string Prefix = "csv";
    private static readonly string[] Channels = ["sms", "phone", "email", "letter", "portal"];
    private static readonly string[] Sexes = ["m", "f", "o", "u", "male", "female", "other", "unknown"];
    private static readonly string[] TrueValues = ["true", "yes", "y", "1"];
    private static readonly string[] FalseValues = ["false", "no", "n", "0"];

    /// <summary>Reads a member list file.</summary>
    public MemberListResult Read(string path, string defaultPracticeId, DateTimeOffset now)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, Path.GetFileName(path), defaultPracticeId, now);
    }

    /// <summary>Reads a member list; <paramref name="source"/> names it in problems.</summary>
    public MemberListResult Read(Stream stream, string source, string defaultPracticeId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var problems = new List<ImportProblem>();
        var events = new List<WorkflowEvent>();
        var malformed = 0;
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            TrackLineNumbers = true,
            AllowLineBreaksInQuotes = true,
            IncludeValuesInExceptions = false,
            MalformedData = CsvMalformedDataHandling.Skip,
            FieldCountMismatch = CsvFieldCountHandling.Skip,
            OnMalformedRecord = record =>
            {
                malformed++;
                problems.Add(new ImportProblem(source, $"row {record.LineNumber}", "", record.Reason switch
                {
                    CsvMalformedReason.FieldCountMismatch => "the number of fields differs from the header. Quote values that contain commas (\"a, b\").",
                    CsvMalformedReason.UnterminatedQuote => "a quoted value is never closed; the rest of the file could not be read.",
                    _ => $"the quoting is broken ({record.Reason}). Put quotes around the whole value and double quotes inside it (\"\")."
                }));
            },
        };
        using var reader = CsvReader.Create(stream, options, leaveOpen: true);
        IReadOnlyList<string> headers;
        try
        {
            headers = [.. reader.Headers.Select(Normalize)];
        }
        catch (CsvFormatException ex)
        {
            problems.Add(new ImportProblem(source, "row 1", "", $"the header cannot be read: {ex.Message}"));
            return new MemberListResult { Events = [], Problems = problems };
        }

        if (!CheckHeader(headers, source, problems))
        {
            return new MemberListResult { Events = [], Problems = problems };
        }

        var column = headers.Select((name, index) => (name, index)).Where(c => All.Contains(c.name)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        var seen = new Dictionary<(string Practice, string Member), long>();
        var identifiers = new List<(string, Persistence.PatientIdentifier)>();
        int rows = 0, taken = 0;
        while (reader.Read())
        {
            rows++;
            var row = new Row(reader, column, source, $"row {reader.LineNumber}", problems);
            if (ReadRow(row, defaultPracticeId, now) is { } e && MedicalRecordNumbers(row, e.PatientId) is { } mrns)
            {
                if (seen.TryGetValue((e.PracticeId, e.PatientId), out var first))
                {
                    row.Fail(MemberId, $"the same member is on row {first}; give each member once.");
                }
                else
                {
                    seen[(e.PracticeId, e.PatientId)] = reader.LineNumber;
                    events.Add(e);
                    identifiers.AddRange(mrns.Select(m => (e.PracticeId, m)));
                    taken++;
                }
            }
        }

        return new MemberListResult { Events = events, Problems = problems, Rows = rows + malformed, Taken = taken, Refused = rows - taken + malformed, Identifiers = identifiers };
    }

    /// <summary>The mrn column as identifiers; null (the row refused) when an entry is not SYSTEM|VALUE.</summary>
    private static List<Persistence.PatientIdentifier>? MedicalRecordNumbers(Row row, string patientId)
    {
        var result = new List<Persistence.PatientIdentifier>();
        foreach (var entry in row.List(Mrn))
        {
            var parts = entry.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                row.Fail(Mrn, "each medical record number is written SYSTEM|VALUE (the assigning authority, a bar, the number), several separated by ';', e.g. MERCY|E4421 (the value is not shown: it identifies the member).");
                return null;
            }

            result.Add(new Persistence.PatientIdentifier(patientId, parts[0], parts[1]));
        }

        return result;
    }

    private static bool CheckHeader(IReadOnlyList<string> headers, string source, List<ImportProblem> problems)
    {
        var ok = true;
        if (!headers.Contains(MemberId))
        {
            problems.Add(new ImportProblem(source, "row 1", $"column {MemberId}", $"missing. The header must name a {MemberId} column (the patient id); the columns are listed in docs/import.md."));
            ok = false;
        }

        foreach (var duplicate in headers.Where(h => h.Length > 0).GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new ImportProblem(source, "row 1", $"column {duplicate.Key}", "appears more than once. Keep one."));
            ok = false;
        }

        foreach (var unknown in headers.Where(h => !All.Contains(h)).Distinct(StringComparer.Ordinal))
        {
            problems.Add(new ImportProblem(source, "row 1", $"column {unknown}", "not a column careflow reads; its values are left out (the columns are listed in docs/import.md).", ProblemSeverity.Warning));
        }

        return ok;
    }

    private WorkflowEvent? ReadRow(Row row, string defaultPracticeId, DateTimeOffset now)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        var member = row.Text(MemberId);
        if (member is null)
        {
            row.Fail(MemberId, "missing. Every row needs the member's id.");
        }
        else if (member.Length > 200 || member.Any(char.IsWhiteSpace) || member.Any(char.IsControl))
        {
            row.Fail(MemberId, "not a usable id: at most 200 characters, without spaces.");
        }

        var practice = row.Text(PracticeId) ?? defaultPracticeId;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (row.Has(BirthDate) && row.Text(BirthDate) is { } birthText)
        {
            if (!DateOnly.TryParseExact(birthText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born) || born > today || born.Year < 1880)
            {
                row.Fail(BirthDate, "not a date of birth in the form YYYY-MM-DD (the value is not shown: it identifies the member).");
            }
            else
            {
                var age = today.Year - born.Year;
                data["age"] = (today < born.AddYears(age) ? age - 1 : age).ToString(CultureInfo.InvariantCulture);
            }
        }
        else if (row.Has(Age) && row.Whole(Age, 0, 130) is { } age)
        {
            data["age"] = age.ToString(CultureInfo.InvariantCulture);
        }

        if (row.Text(Sex) is { } sex && !Sexes.Contains(sex.ToLowerInvariant()))
        {
            row.Fail(Sex, $"'{sex}' is not one of M, F, O, U (male, female, other, unknown).");
        }

        var needs = new List<string>();
        var homeless = false;
        var behavioral = false;
        if (row.Has(Conditions))
        {
            var conditions = new List<string>();
            foreach (var code in row.List(Conditions))
            {
                var entries = codes.Condition(code) is { } byId ? [byId] : LooksLikeIcd10(code) ? codes.MatchIcd10(code).ToList() : null;
                if (entries is null)
                {
                    row.Fail(Conditions, $"'{code}' is neither an ICD-10 code (such as E11.9) nor a condition id of rules/{CodeSets.RelativePath}. Separate codes with ';'.");
                    continue;
                }

                conditions.AddRange(entries.Where(e => e.Kind == CodeKind.Condition).Select(e => e.Id));
                needs.AddRange(entries.Where(e => e.Kind == CodeKind.SocialNeed).Select(e => e.Id));
                homeless |= entries.Any(e => e.Homeless);
                behavioral |= entries.Any(e => e.BehavioralHealth);
            }

            data["conditions"] = string.Join(',', codes.ConditionIds.Where(conditions.Contains));
        }

        Number(row, data, Hba1c, "hba1c", 0, 25);
        Number(row, data, PreviousHba1c, "previous-hba1c", 0, 25);
        if (row.Text(Hba1cDate) is { } hba1cDate)
        {
            if (!DateOnly.TryParseExact(hba1cDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var taken) || taken > today)
            {
                row.Fail(Hba1cDate, $"'{hba1cDate}' is not a date in the form YYYY-MM-DD, on or before the day of the import.");
            }
            else
            {
                data["hba1c-date"] = taken.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (row.Text(Hba1c) is null)
                {
                    row.Fail(Hba1cDate, "is given without an hba1c value.");
                }
            }
        }

        var ed6 = Count(row, data, EdVisits6m, "ed-visits-6m");
        var ed12 = Count(row, data, EdVisits12m, "ed-visits-12m");
        var admissions6 = Count(row, data, Admissions6m, "admissions-6m");
        var admissions12 = Count(row, data, Admissions12m, "admissions-12m");
        if (ed6 > ed12 && row.Has(EdVisits12m))
        {
            row.Fail(EdVisits6m, $"{ed6} is more than {EdVisits12m} ({ed12}); the last 6 months are part of the last 12.");
        }

        if (admissions6 > admissions12 && row.Has(Admissions12m))
        {
            row.Fail(Admissions6m, $"{admissions6} is more than {Admissions12m} ({admissions12}); the last 6 months are part of the last 12.");
        }

        if (row.Has(LaceScore))
        {
            data["lace-score"] = row.Text(LaceScore) is null ? "" : row.Whole(LaceScore, 0, 19)?.ToString(CultureInfo.InvariantCulture) ?? "";
        }

        Number(row, data, HccScore, "hcc-score", 0, 100);
        if (row.Has(SocialNeeds))
        {
            needs.AddRange(row.List(SocialNeeds));
        }

        if (row.Has(SocialNeeds) || needs.Count > 0)
        {
            data["social-needs"] = string.Join(',', needs.Distinct(StringComparer.Ordinal));
        }

        Flag(row, data, Homeless, "homeless", homeless);
        Flag(row, data, BehavioralHealthNeed, "behavioral-health-need", behavioral);
        Flag(row, data, Deceased, "deceased", false);
        if (row.Text(PreferredLanguage) is { } language)
        {
            var code = language.Split('-', '_')[0].ToLowerInvariant();
            if (code.Length != 2 || !code.All(char.IsAsciiLetterLower))
            {
                row.Fail(PreferredLanguage, $"'{language}' is not an ISO 639-1 language code such as en or es.");
            }
            else
            {
                data["language"] = code;
            }
        }

        if (row.Has(PreferredChannel))
        {
            var channel = row.Text(PreferredChannel)?.ToLowerInvariant() ?? "";
            if (channel.Length > 0 && !Channels.Contains(channel))
            {
                row.Fail(PreferredChannel, $"'{channel}' is not one of {string.Join(", ", Channels)}.");
            }

            data["preferred-channel"] = channel;
        }

        if (row.Failed || member is null)
        {
            return null;
        }

        return ImportEvents.Create(Prefix, practice, member, $"member/{member}", ImportEvents.PatientUpdated, now, data);
    }

    private static bool LooksLikeIcd10(string code) =>
        code.Length is >= 3 and <= 8 && char.IsAsciiLetter(code[0]) && char.IsAsciiDigit(code[1]) && code.Skip(2).All(c => char.IsAsciiLetterOrDigit(c) || c == '.');

    private static void Number(Row row, Dictionary<string, string> data, string column, string fact, decimal min, decimal max)
    {
        if (!row.Has(column))
        {
            return;
        }

        data[fact] = row.Decimal(column, min, max)?.ToString(CultureInfo.InvariantCulture) ?? "";
    }

    private static int Count(Row row, Dictionary<string, string> data, string column, string fact)
    {
        if (!row.Has(column))
        {
            return 0;
        }

        var count = row.Text(column) is null ? 0 : row.Whole(column, 0, 1000) ?? 0;
        data[fact] = count.ToString(CultureInfo.InvariantCulture);
        return count;
    }

    private static void Flag(Row row, Dictionary<string, string> data, string column, string fact, bool derived)
    {
        if (!row.Has(column))
        {
            if (derived)
            {
                data[fact] = "true";
            }

            return;
        }

        var text = row.Text(column)?.ToLowerInvariant();
        var value = text is null ? false : TrueValues.Contains(text) ? true : FalseValues.Contains(text) ? false : (bool?)null;
        if (value is null)
        {
            row.Fail(column, $"'{row.Text(column)}' is not true or false (yes/no, y/n and 1/0 are read too).");
            return;
        }

        data[fact] = value.Value || derived ? "true" : "false";
    }

    /// <summary>One record: its values by column, and the problems found in it.</summary>
    private sealed class Row(CsvReader reader, Dictionary<string, int> columns, string source, string location, List<ImportProblem> problems)
    {
        public bool Failed { get; private set; }

        public bool Has(string column) => columns.ContainsKey(column);

        /// <summary>The trimmed value, or null when the column is absent or the cell empty.</summary>
        public string? Text(string column) =>
            columns.TryGetValue(column, out var index) && reader.GetString(index)?.Trim() is { Length: > 0 } value ? value : null;

        public string[] List(string column) =>
            (Text(column) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public int? Whole(string column, int min, int max)
        {
            var text = Text(column);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                Fail(column, $"'{text}' is not a whole number.");
                return null;
            }

            if (value < min || value > max)
            {
                Fail(column, $"{value} is out of range ({min} to {max}).");
                return null;
            }

            return value;
        }

        public decimal? Decimal(string column, decimal min, decimal max)
        {
            if (Text(column) is not { } text)
            {
                return null;
            }

            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                Fail(column, $"'{text}' is not a number (write it like 8.2).");
                return null;
            }

            if (value <= min || value > max)
            {
                Fail(column, $"{text} is out of range (above {min} and at most {max}).");
                return null;
            }

            return value;
        }

        public void Fail(string column, string message)
        {
            Failed = true;
            problems.Add(new ImportProblem(source, location, $"column {column}", message));
        }
    }
}
