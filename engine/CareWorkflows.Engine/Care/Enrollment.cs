namespace CareWorkflows.Engine.Care;

/// <summary>Where a patient stands in a program.</summary>
public enum EnrollmentStatus
{
    /// <summary>The enrollment rules find the patient eligible; not yet offered.</summary>
    Candidate,
    /// <summary>Staff offered the program.</summary>
    Offered,
    /// <summary>In the program (for a consent program: with consent documented).</summary>
    Enrolled,
    /// <summary>The patient said no.</summary>
    Declined,
    /// <summary>Reached the program's goals and left it.</summary>
    Graduated,
    /// <summary>Left the program for another reason.</summary>
    Disenrolled,
}

/// <summary>One step of an enrollment's history: who moved it, when and why.</summary>
public sealed record EnrollmentChange(EnrollmentStatus Status, DateTimeOffset At, string? By, string? Reason);

/// <summary>A documented consent (CCM: verbal or written, before starting).</summary>
public sealed record Consent(string Type, DateOnly Date, string By);

/// <summary>A patient's enrollment in one program, with its whole history.</summary>
public sealed record Enrollment(string Program, EnrollmentStatus Status, IReadOnlyList<EnrollmentChange> History)
{
    /// <summary>The consent, for programs that need one.</summary>
    public Consent? Consent { get; init; }

    /// <summary>Set when the rules no longer find the patient eligible: staff review it; nobody is dropped silently.</summary>
    public string? ReviewReason { get; init; }

    /// <summary>True while the patient is in the program or on the way in (candidate, offered, enrolled).</summary>
    public bool IsOpen => Status is EnrollmentStatus.Candidate or EnrollmentStatus.Offered or EnrollmentStatus.Enrolled;
}

/// <summary>The allowed moves of an enrollment, and the consent rule.</summary>
public static class EnrollmentLifecycle
{
    private static readonly Dictionary<EnrollmentStatus, EnrollmentStatus[]> Allowed = new()
    {
        [EnrollmentStatus.Candidate] = [EnrollmentStatus.Offered, EnrollmentStatus.Enrolled, EnrollmentStatus.Declined],
        [EnrollmentStatus.Offered] = [EnrollmentStatus.Enrolled, EnrollmentStatus.Declined],
        [EnrollmentStatus.Enrolled] = [EnrollmentStatus.Graduated, EnrollmentStatus.Disenrolled],
        [EnrollmentStatus.Declined] = [EnrollmentStatus.Candidate, EnrollmentStatus.Offered],
        [EnrollmentStatus.Graduated] = [EnrollmentStatus.Candidate],
        [EnrollmentStatus.Disenrolled] = [EnrollmentStatus.Candidate],
    };

    /// <summary>Why the move is not allowed, or null when it is.</summary>
    public static string? Refusal(Enrollment? current, string program, EnrollmentStatus to, bool consentRequired, Consent? consent)
    {
        var from = current?.Status;
        if (from is null && to is not (EnrollmentStatus.Candidate or EnrollmentStatus.Offered or EnrollmentStatus.Enrolled))
        {
            return $"the patient has no enrollment in '{program}' to move to {Word(to)}; offer or enroll first.";
        }

        if (from is { } status && !Allowed[status].Contains(to))
        {
            return $"an enrollment that is {Word(status)} cannot become {Word(to)}; allowed next: {string.Join(", ", Allowed[status].Select(Word))}.";
        }

        if (to == EnrollmentStatus.Enrolled && consentRequired && (consent ?? current?.Consent) is null)
        {
            return $"'{program}' needs the patient's documented consent (verbal or written, date, by whom) before enrollment; record it with the enrollment.";
        }

        return null;
    }

    /// <summary>The enrollment after the move (the caller checked <see cref="Refusal"/>).</summary>
    public static Enrollment Move(Enrollment? current, string program, EnrollmentStatus to, DateTimeOffset at, string? by, string? reason, Consent? consent = null)
    {
        var change = new EnrollmentChange(to, at, by, reason);
        return current is null
            ? new Enrollment(program, to, [change]) { Consent = consent }
            : current with { Status = to, History = [.. current.History, change], Consent = consent ?? current.Consent, ReviewReason = null };
    }

    /// <summary>The lower-case word for a status, as the API and timeline write it.</summary>
    public static string Word(EnrollmentStatus status) => status.ToString().ToLowerInvariant();
}
