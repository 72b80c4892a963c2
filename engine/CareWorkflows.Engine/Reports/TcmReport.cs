using CareWorkflows.Engine.Records.Interactions;

namespace CareWorkflows.Engine.Reports;

/// <summary>
/// Every discharge of the month checked against transitional care management: interactive contact by the close of
/// the second business day after the discharge date (weekends and the practice's holidays skipped), the face-to-face
/// visit within 7 or 14 days, and medication reconciliation no later than that visit.
/// </summary>
internal sealed class TcmReport : IReport
{
    private const string Discharged = "patient.discharged";

    public string Name => "tcm";

    public string Title => "Transitional care management compliance";

    public IReadOnlyList<ReportColumn> Columns { get; } =
    [
        new("patient", "The practice's patient id."),
        new("discharged_at", "When the patient was discharged (practice-local)."),
        new("setting", "The setting of the stay (inpatient, observation ...), from the discharge event."),
        new("contact_due_by", "The last day for the interactive contact: the discharge date plus contact-business-days (2) business days, skipping weekends and practice holidays."),
        new("contact_attempts", "Contact attempts (reached or not) from the discharge to the close of contact_due_by."),
        new("contact_at", "The first interactive contact that reached the patient or caregiver in the TCM period (practice-local); empty if none."),
        new("contact_on_time", "yes when contact_at is on or before contact_due_by."),
        new("visit_at", "The first face-to-face visit after the discharge in the TCM period (visit.completed, or a face-to-face interaction); empty if none."),
        new("visit_days_after_discharge", "Calendar days from the discharge date to the visit date."),
        new("visit_within_high_complexity_window", "yes when the visit was within 7 days (99496, high complexity)."),
        new("visit_within_moderate_complexity_window", "yes when the visit was within 14 days (99495, moderate complexity)."),
        new("med_rec_at", "When medication reconciliation was documented (medication.reconciled, or a completed task with the medication-reconciliation form); empty if not."),
        new("med_rec_by_visit", "yes when medication reconciliation was done no later than the visit date."),
        new("compliant", "yes when the contact was on time, the visit within 14 days and the reconciliation by the visit."),
    ];

    public async Task<(IReadOnlyList<object?[]> Rows, IReadOnlyList<ReportFigure> Summary)> BuildAsync(ReportContext context, CancellationToken cancellationToken)
    {
        var tcm = context.Rules.Tcm;
        var period = TimeSpan.FromDays(tcm.PeriodDays + 1);
        var discharges = (await context.EventsAsync([Discharged], context.Start, context.End + period, cancellationToken))
            .Where(d => !tcm.ExcludedSettings.Contains(d.Data.GetValueOrDefault("setting") ?? "") && !tcm.ExcludedDispositions.Contains(d.Data.GetValueOrDefault("disposition") ?? ""))
            .ToList();
        var later = await context.EventsAsync([.. tcm.VisitEvents, .. tcm.MedicationReconciliationEvents], context.Start, context.End + period, cancellationToken);
        var interactions = await InteractionQueries.BetweenAsync(context.Db, context.PracticeId, context.Start, context.End + period, cancellationToken);
        var rows = new List<object?[]>();
        var (onTime, visited, reconciled, compliant) = (0, 0, 0, 0);
        foreach (var discharge in discharges.Where(d => d.At < context.End))
        {
            // A discharge's period ends at the patient's next discharge: contacts after it belong to that one.
            var next = discharges.FirstOrDefault(d => d.PatientId == discharge.PatientId && d.At > discharge.At)?.At;
            var periodEnd = next is { } n && n < discharge.At + period ? n : discharge.At + period;
            bool Within(DateTimeOffset at) => at >= discharge.At && at < periodEnd;
            var mine = interactions.Where(i => i.PatientId == discharge.PatientId && Within(i.At)).OrderBy(i => i.At).ToList();
            var events = later.Where(e => e.PatientId == discharge.PatientId && Within(e.At)).ToList();

            var dischargeDate = context.Calendar.LocalDate(discharge.At);
            var dueBy = context.Calendar.AddBusinessDays(dischargeDate, tcm.ContactBusinessDays);
            var attempts = mine.Count(i => context.Rules.Contacts.IsAttempt(i.Outcome) && context.Calendar.LocalDate(i.At) <= dueBy);
            var contact = mine.FirstOrDefault(i => context.Rules.Contacts.IsReached(i.Outcome) && tcm.InteractiveChannels.Contains(i.Channel))?.At;
            var contactOnTime = contact is { } c && context.Calendar.LocalDate(c) <= dueBy;
            var visit = First(events.Where(e => tcm.VisitEvents.Contains(e.Type)).Select(e => e.At), mine.Where(i => i.FaceToFace).Select(i => i.At));
            int? visitDays = visit is { } v ? context.Calendar.LocalDate(v).DayNumber - dischargeDate.DayNumber : null;
            var medRec = First(events.Where(e => tcm.MedicationReconciliationEvents.Contains(e.Type)).Select(e => e.At),
                mine.Where(i => i.Form is not null && tcm.MedicationReconciliationForms.Contains(i.Form)).Select(i => i.At));
            var medRecByVisit = medRec is { } m && visit is { } vv && context.Calendar.LocalDate(m) <= context.Calendar.LocalDate(vv);
            var withinModerate = visitDays <= tcm.ModerateComplexityDays;
            var isCompliant = contactOnTime && withinModerate && medRecByVisit;
            (onTime, visited, reconciled, compliant) = (onTime + (contactOnTime ? 1 : 0), visited + (withinModerate ? 1 : 0), reconciled + (medRecByVisit ? 1 : 0), compliant + (isCompliant ? 1 : 0));
            rows.Add(
            [
                discharge.PatientId, context.Local(discharge.At), discharge.Data.GetValueOrDefault("setting") ?? "", ReportContext.Date(dueBy), attempts,
                context.Local(contact), contactOnTime, context.Local(visit), visitDays, visitDays <= tcm.HighComplexityDays, withinModerate,
                context.Local(medRec), medRecByVisit, isCompliant,
            ]);
        }

        return (rows,
        [
            new("discharges", rows.Count, "Discharges in the month that are transitions of care."),
            new("contact_on_time_rate", ReportContext.Percent(onTime, rows.Count), "Percent of discharges with interactive contact on time."),
            new("visit_within_moderate_window_rate", ReportContext.Percent(visited, rows.Count), "Percent with a face-to-face visit within 14 days."),
            new("med_rec_by_visit_rate", ReportContext.Percent(reconciled, rows.Count), "Percent with medication reconciliation by the visit."),
            new("compliance_rate", ReportContext.Percent(compliant, rows.Count), "Percent of discharges compliant on all three."),
        ]);
    }

    private static DateTimeOffset? First(IEnumerable<DateTimeOffset> a, IEnumerable<DateTimeOffset> b) =>
        a.Concat(b).Select(x => (DateTimeOffset?)x).Min();
}
