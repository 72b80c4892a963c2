using CareWorkflows.Tests.Interop;
using static CareWorkflows.Tests.Reports.ReportEvents;

namespace CareWorkflows.Tests.Reports;

public sealed class TcmReportTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2027-06-30T12:00:00-05:00", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Run_MonthOfDischarges_GivesKnownComplianceTable()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        await store.ApplyAllAsync(
            // Tuesday: due Thursday; contact Thursday; visit after 17 days; no reconciliation.
            Discharge("tue", "2027-05-04T14:00:00-05:00"),
            Interaction("tue-c1", "tue", "2027-05-05T10:00:00-05:00", "care-manager", 10, outcome: "not-reached"),
            Interaction("tue-c2", "tue", "2027-05-06T10:00:00-05:00", "care-manager", 15),
            Event("tue-visit", "tue", "visit.completed", "2027-05-21T09:00:00-05:00"),
            // An ED discharge is not a transition of care.
            Event("ed-discharge", "ed", "patient.discharged", "2027-05-10T09:00:00-05:00", new() { ["setting"] = "emergency" }),
            // Monday: an automated text is not interactive contact; the call on Thursday is a day late.
            Discharge("sms", "2027-05-17T09:00:00-05:00"),
            Interaction("sms-c1", "sms", "2027-05-18T10:00:00-05:00", "care-manager", 1, channel: "sms"),
            Interaction("sms-c2", "sms", "2027-05-20T10:00:00-05:00", "care-manager", 12),
            // Friday before Memorial Day (Monday 2027-05-31, a demo holiday): business days are Tuesday and Wednesday.
            Discharge("fri-ok", "2027-05-28T10:00:00-05:00"),
            Interaction("fri-ok-c", "fri-ok", "2027-06-02T16:00:00-05:00", "care-manager", 20),
            Event("fri-ok-medrec", "fri-ok", "medication.reconciled", "2027-06-02T17:00:00-05:00"),
            Event("fri-ok-visit", "fri-ok", "visit.completed", "2027-06-03T09:00:00-05:00"),
            Discharge("fri-late", "2027-05-28T11:00:00-05:00"),
            Interaction("fri-late-c1", "fri-late", "2027-06-01T10:00:00-05:00", "care-manager", 5, outcome: "left-message"),
            Interaction("fri-late-c2", "fri-late", "2027-06-03T09:00:00-05:00", "care-manager", 18),
            Event("fri-late-medrec", "fri-late", "medication.reconciled", "2027-06-09T08:00:00-05:00"),
            Event("fri-late-visit", "fri-late", "visit.completed", "2027-06-09T10:00:00-05:00"));

        var csv = await store.CsvAsync("tcm", "2027-05");

        Assert.Equal(
        [
            "patient,discharged_at,setting,contact_due_by,contact_attempts,contact_at,contact_on_time,visit_at,visit_days_after_discharge,visit_within_high_complexity_window,visit_within_moderate_complexity_window,med_rec_at,med_rec_by_visit,compliant",
            "tue,2027-05-04 14:00,inpatient,2027-05-06,2,2027-05-06 10:00,yes,2027-05-21 09:00,17,no,no,,no,no",
            "sms,2027-05-17 09:00,inpatient,2027-05-19,1,2027-05-20 10:00,no,,,no,no,,no,no",
            "fri-ok,2027-05-28 10:00,inpatient,2027-06-02,1,2027-06-02 16:00,yes,2027-06-03 09:00,6,yes,yes,2027-06-02 17:00,yes,yes",
            "fri-late,2027-05-28 11:00,inpatient,2027-06-02,1,2027-06-03 09:00,no,2027-06-09 10:00,12,no,yes,2027-06-09 08:00,yes,no",
        ], csv);
        var table = await store.Reports.RunAsync("tcm", Practice, "2027-05", CancellationToken.None);
        Assert.Equal(25.0m, table.Summary.Single(f => f.Name == "compliance_rate").Value);
        Assert.Equal(50.0m, table.Summary.Single(f => f.Name == "contact_on_time_rate").Value);
    }

    [Fact]
    public async Task Run_TcmContactTaskCompleted_CountsAsTheInteractiveContact()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        await store.ApplyAllAsync(Discharge("task", "2027-06-07T09:00:00-05:00"));
        var contact = (await store.Queries.TasksAsync(Practice, new Engine.Persistence.TaskFilter { Patient = "task" }, CancellationToken.None)).Single(t => t.StepId == "contact");
        await store.ApplyAllAsync(Event("task-done", "task", "task.completed", "2027-06-08T11:00:00-05:00", outcome: "reached", minutes: 15, by: "cm-1") with { TaskId = contact.Id });

        var csv = await store.CsvAsync("tcm", "2027-06");

        Assert.StartsWith("task,2027-06-07 09:00,inpatient,2027-06-09,1,2027-06-08 11:00,yes,", csv[1], StringComparison.Ordinal);
    }

    private static Engine.Runtime.WorkflowEvent Discharge(string patient, string at) =>
        Event($"{patient}-discharge", patient, "patient.discharged", at, new() { ["setting"] = "inpatient", ["disposition"] = "home" });
}
