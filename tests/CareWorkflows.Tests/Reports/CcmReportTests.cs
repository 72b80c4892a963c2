using CareWorkflows.Tests.Interop;
using static CareWorkflows.Tests.Reports.ReportEvents;

namespace CareWorkflows.Tests.Reports;

public sealed class CcmReportTests
{
    // 2027-06-20 12:00 in Chicago: 11 days of June are left, today included.
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2027-06-20T12:00:00-05:00", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Run_MonthOfKnownInteractions_GivesKnownMinutesAndCodes()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        await store.ApplyAllAsync(
            Enroll("pt-a"), Enroll("pt-b"), Enroll("pt-c"), Enroll("pt-d"),
            Event("enroll-d-complex", "pt-d", "enrollment.updated", "2027-05-20T09:00:00-05:00",
                new() { ["program"] = "complex-ccm", ["action"] = "enroll", ["consent-type"] = "verbal" }, by: "cm-1"),
            // pt-a: 15 + 10 clinical minutes reach 99490; the health coach's 30 do not count.
            Interaction("a1", "pt-a", "2027-06-02T10:00:00-05:00", "care-manager", 15),
            Interaction("a2", "pt-a", "2027-06-09T10:00:00-05:00", "pharmacist", 10),
            Interaction("a3", "pt-a", "2027-06-10T10:00:00-05:00", "health-coach", 30),
            // pt-b: 65 minutes, 99490 and the two add-ons CMS allows; 30 minutes on May 31 (Chicago) belong to May.
            Interaction("b0", "pt-b", "2027-06-01T04:30:00Z", "care-manager", 30),
            Interaction("b1", "pt-b", "2027-06-03T10:00:00-05:00", "care-manager", 45),
            Interaction("b2", "pt-b", "2027-06-15T10:00:00-05:00", "social-worker", 20),
            // pt-c: 17 minutes, 3 short of 99490 with 11 days left: close.
            Interaction("c1", "pt-c", "2027-06-04T10:00:00-05:00", "care-manager", 17, outcome: "not-reached"),
            // pt-d: complex CCM comes first in billing.yaml: 70 minutes reach 99487, 20 more to 99489.
            Interaction("d1", "pt-d", "2027-06-05T10:00:00-05:00", "care-manager", 70),
            // pt-x is in no time program: minutes, no code.
            Interaction("x1", "pt-x", "2027-06-05T10:00:00-05:00", "care-manager", 40));

        var csv = await store.CsvAsync("ccm", "2027-06");

        Assert.Equal(
        [
            "patient,program,care_manager,interactions,total_minutes,counted_minutes,codes_reached,next_code,minutes_to_next,days_left_in_month,close_to_threshold",
            "pt-a,ccm,,3,55,25,99490,99439,15,11,no",
            "pt-b,ccm,,2,65,65,99490 + 99439 x2,,,11,no",
            "pt-c,ccm,,1,17,17,,99490,3,11,yes",
            "pt-d,complex-ccm,,1,70,70,99487,99489,20,11,no",
            "pt-x,,,1,40,0,,,,11,no",
        ], csv);
        var may = await store.CsvAsync("ccm", "2027-05");
        Assert.Contains("pt-b,ccm,,1,30,30,99490,99439,10,0,no", may);
    }

    [Fact]
    public async Task Run_Summary_CountsUnitsPerCode()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        await store.ApplyAllAsync(Enroll("pt-a"), Interaction("a1", "pt-a", "2027-06-02T10:00:00-05:00", "care-manager", 41));

        var table = await store.Reports.RunAsync("ccm", Practice, "2027-06", CancellationToken.None);

        Assert.Equal(1, table.Summary.Single(f => f.Name == "units_99490").Value);
        Assert.Equal(1, table.Summary.Single(f => f.Name == "units_99439").Value);
    }

    private static Engine.Runtime.WorkflowEvent Enroll(string patient) => Event($"enroll-{patient}", patient, "patient.updated", "2027-05-15T09:00:00-05:00",
        new() { ["age"] = "70", ["conditions"] = "diabetes,heart-failure", ["tier"] = "high", ["programs"] = "ccm", ["ccm-consent"] = "true" });
}
