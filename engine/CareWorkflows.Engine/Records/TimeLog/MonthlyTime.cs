using CareWorkflows.Engine.Care;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Records.Billing;
using CareWorkflows.Engine.Records.Interactions;

namespace CareWorkflows.Engine.Records.TimeLog;

/// <summary>
/// A patient's time log for one practice-local calendar month: every minute recorded, the minutes that count for
/// the patient's time program (its staff only), the codes reached and the distance to the next one.
/// </summary>
internal sealed record MonthlyTime(
    string Month, int Interactions, int TotalMinutes, IReadOnlyDictionary<string, int> MinutesByRole, string? Program, int CountedMinutes, string Codes,
    string? NextCode, int? MinutesToNext, IReadOnlyDictionary<string, int> Units)
{
    /// <summary>Tallies one month's interactions of one patient against the time program of the programs they were enrolled in.</summary>
    public static MonthlyTime Tally(string month, IReadOnlyCollection<Interaction> interactions, IEnumerable<string> enrolledPrograms, Catalog catalog, BillingRules rules)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(rules);
        var program = rules.ProgramFor(enrolledPrograms);
        var counted = program is null ? 0 : interactions.Where(i => Counts(program, i.Role, catalog)).Sum(i => i.Minutes);
        var tally = TimeTally.For(program, counted);
        var byRole = interactions.GroupBy(i => i.Role ?? "unknown", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(i => i.Minutes), StringComparer.Ordinal);
        var units = new Dictionary<string, int>(StringComparer.Ordinal);
        if (tally.BaseReached)
        {
            units[program!.Base.Code] = 1;
            if (tally.AddOnUnits > 0)
            {
                units[program.AddOn!.Code] = tally.AddOnUnits;
            }
        }

        return new MonthlyTime(month, interactions.Count, interactions.Sum(i => i.Minutes), byRole, program?.Program, counted, tally.CodesText, tally.NextCode, tally.MinutesToNext, units);
    }

    /// <summary>True when minutes of staff in this role count for the program.</summary>
    public static bool Counts(TimeProgram program, string? role, Catalog catalog)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(catalog);
        if (role is null)
        {
            return false;
        }

        return program.ClinicalStaffOnly ? catalog.Roles.GetValueOrDefault(role)?.Clinical == true : program.Roles.Contains(role);
    }

    /// <summary>The programs the patient was enrolled in at any time between the two instants.</summary>
    public static IReadOnlyList<string> EnrolledDuring(IEnumerable<Enrollment> enrollments, DateTimeOffset from, DateTimeOffset to) =>
        [.. enrollments.Where(e => WasEnrolledDuring(e, from, to)).Select(e => e.Program)];

    /// <summary>True when the enrollment's status was enrolled at some time between the two instants.</summary>
    public static bool WasEnrolledDuring(Enrollment enrollment, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(enrollment);
        var history = enrollment.History.OrderBy(h => h.At).ToList();
        if (history.Count == 0)
        {
            return enrollment.Status == EnrollmentStatus.Enrolled;
        }

        var atStart = history.LastOrDefault(h => h.At <= from);
        return atStart?.Status == EnrollmentStatus.Enrolled || history.Any(h => h.At > from && h.At < to && h.Status == EnrollmentStatus.Enrolled);
    }
}
