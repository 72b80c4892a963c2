namespace CareWorkflows.Engine.Interop;

/// <summary>How bad a problem found while importing is.</summary>
internal enum ProblemSeverity
{
    /// <summary>The entry or row was refused: nothing of it was taken.</summary>
    Error,

    /// <summary>The entry or row was taken, but part of it was not used (said why).</summary>
    Warning,
}

/// <summary>
/// One problem with imported data, located so that the sender can fix it: the file, the entry or row
/// (<c>Bundle.entry[3]</c>, <c>line 17</c>, <c>row 17</c>), and the element or column. Messages never carry
/// names, birth dates, phone numbers, addresses or record numbers.
/// </summary>
/// <param name="Source">The file or request the data came from.</param>
/// <param name="Entry">The entry, line or row within it, e.g. Bundle.entry[3]; empty for the whole file.</param>
/// <param name="Element">The element (FHIRPath, e.g. Encounter.period.end) or the column; empty when none.</param>
/// <param name="Message">What is wrong, and what to do about it.</param>
/// <param name="Severity">Refused or only warned.</param>
internal sealed record ImportProblem(string Source, string Entry, string Element, string Message, ProblemSeverity Severity = ProblemSeverity.Error)
{
    /// <summary>The resource the problem is in, as Type/id (e.g. Encounter/enc-7), when known; empty otherwise.</summary>
    public string Resource { get; init; } = "";

    /// <summary>
    /// The problem on one line, as the command line prints it:
    /// <c>members.csv: row 17, column hba1c: 'abc' is not a number</c>, or
    /// <c>bundle.json: Bundle.entry[3] (Encounter/e1), Encounter.period.end: ...</c>.
    /// </summary>
    public override string ToString()
    {
        var where = Entry + (Resource.Length > 0 ? $" ({Resource})" : "");
        where = string.Join(", ", new[] { where.Trim(), Element }.Where(s => s.Length > 0));
        var label = Severity == ProblemSeverity.Warning ? "warning: " : "";
        var text = where.Length > 0 ? $"{where}: {label}{Message}" : label + Message;
        return Source.Length > 0 ? $"{Source}: {text}" : text;
    }
}
