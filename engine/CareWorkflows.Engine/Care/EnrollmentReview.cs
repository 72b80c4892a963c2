using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Care;

/// <summary>
/// Brings a patient's enrollments in line with what the rules (or staff) say they are eligible for: newly
/// eligible programs become enrolled, or candidates where the program needs consent; an open enrollment the
/// rules no longer support is flagged for review, never dropped.
/// </summary>
internal static class EnrollmentReview
{
    /// <summary>The enrollments after eligibility is applied, and what changed, in words.</summary>
    /// <param name="current">The enrollments now.</param>
    /// <param name="eligible">The programs the rules (or staff) say the patient is eligible for.</param>
    /// <param name="catalog">Which programs need consent.</param>
    /// <param name="at">When.</param>
    /// <param name="by">Who decides (the rules, or a staff id).</param>
    /// <param name="why">The rule or reason.</param>
    /// <param name="consentOnFile">Programs whose consent the patient's record already documents (e.g. ccm-consent: true).</param>
    public static (List<Enrollment> Enrollments, List<string> Changes, List<Enrollment> NewlyFlagged, List<string> Entered) Apply(
        IReadOnlyList<Enrollment> current, IReadOnlyList<string> eligible, Catalog catalog, DateTimeOffset at, string by, string? why, IReadOnlySet<string> consentOnFile)
    {
        var entered = new List<string>();
        var enrollments = current.ToDictionary(e => e.Program, StringComparer.Ordinal);
        var changes = new List<string>();
        var flagged = new List<Enrollment>();
        foreach (var program in eligible)
        {
            var existing = enrollments.GetValueOrDefault(program);
            if (existing is { IsOpen: true } || existing?.Status == EnrollmentStatus.Declined)
            {
                // Open: nothing to do. Declined: the patient said no; staff may offer again, the rules do not.
                continue;
            }

            var consentRequired = catalog.Programs.GetValueOrDefault(program)?.ConsentRequired ?? false;
            var consent = consentRequired && consentOnFile.Contains(program) ? new Consent("on-file", DateOnly.FromDateTime(at.UtcDateTime), by) : null;
            var to = consentRequired && consent is null ? EnrollmentStatus.Candidate : EnrollmentStatus.Enrolled;
            enrollments[program] = EnrollmentLifecycle.Move(existing, program, to, at, by, why, consent);
            changes.Add($"{program} {EnrollmentLifecycle.Word(to)}");
            entered.Add(program);
        }

        foreach (var enrollment in enrollments.Values.Where(e => e.IsOpen && e.ReviewReason is null && !eligible.Contains(e.Program)).ToList())
        {
            var marked = enrollment with { ReviewReason = "no longer eligible by the enrollment rules" };
            enrollments[enrollment.Program] = marked;
            flagged.Add(marked);
            changes.Add($"{enrollment.Program} to review");
        }

        return ([.. enrollments.Values.OrderBy(e => e.Program, StringComparer.Ordinal)], changes, flagged, entered);
    }

    /// <summary>The programs a patient counts as in: open enrollments.</summary>
    public static IReadOnlyList<string> OpenPrograms(IEnumerable<Enrollment> enrollments) =>
        [.. enrollments.Where(e => e.IsOpen).Select(e => e.Program).Order(StringComparer.Ordinal)];

    /// <summary>The staff action words of the enrollment API and the enrollment.updated event.</summary>
    public static EnrollmentStatus? StatusFor(string action) => action switch
    {
        "offer" => EnrollmentStatus.Offered,
        "enroll" or "consent" => EnrollmentStatus.Enrolled,
        "decline" => EnrollmentStatus.Declined,
        "graduate" => EnrollmentStatus.Graduated,
        "disenroll" => EnrollmentStatus.Disenrolled,
        "candidate" => EnrollmentStatus.Candidate,
        _ => null,
    };

    /// <summary>A review task for staff when a patient's eligibility lapsed.</summary>
    public static CareTask ReviewTask(PatientRecord patient, Enrollment enrollment, DateTimeOffset at) => new()
    {
        Id = CareTask.IdFor($"{patient.PracticeId}/{patient.PatientId}", $"enrollment-review:{enrollment.Program}", enrollment.History.Count),
        PracticeId = patient.PracticeId,
        PatientId = patient.PatientId,
        InstanceId = "",
        WorkflowId = "enrollment",
        StepId = $"review:{enrollment.Program}",
        Kind = TaskKind.Task,
        Role = "care-manager",
        Title = $"Review enrollment in {enrollment.Program}: the rules no longer find the patient eligible (keep, graduate or disenroll)",
        Priority = Definitions.TaskPriority.Routine,
        CreatedAt = at,
        Reason = enrollment.ReviewReason,
        Outcomes = ["keep", "graduate", "disenroll"],
    };
}
