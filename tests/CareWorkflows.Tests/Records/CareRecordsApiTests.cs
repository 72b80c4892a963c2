using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Records;

/// <summary>The care records and reports through the real careflow process, its HTTP API and its CLI, on a fresh SQLite file.</summary>
public sealed class CareRecordsApiTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "p-records";
    private static readonly string[] TransportAndCost = ["transport", "cost"];
    private static readonly string[] KneePain = ["knee pain"];
    private static readonly string[] WorkHours = ["work hours"];

    [Fact]
    public async Task CompleteTask_WithChannelMinutesAndObstacles_RecordsAnInteractionAndTheMonthsTime()
    {
        var careflow = await StartAsync();
        var client = careflow.Client;
        await client.SubmitAsync(Practice, new EventPost { Id = "d-1", Type = "patient.discharged", Patient = "pt-1", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });
        var contact = (await client.TasksAsync(Practice, "patient=pt-1")).Single(t => t.StepId == "contact");

        using var completed = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/tasks/{contact.Id}/complete", UriKind.Relative),
            new { outcome = "reached", minutes = 15, by = "cm-2", channel = "phone", obstacles = TransportAndCost });
        await CareflowApi.ReadAsync<SubmitAnswer>(completed, HttpStatusCode.OK);
        using var recorded = await client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/patients/pt-1/interactions", UriKind.Relative),
            new { channel = "video", outcome = "reached", minutes = 10, by = "ph-1", role = "pharmacist", faceToFace = false });
        await CareflowApi.ReadAsync<JsonElement>(recorded, HttpStatusCode.OK);

        var interactions = await GetAsync<List<InteractionView>>(client, "patients/pt-1/interactions");
        var fromTask = Assert.Single(interactions, i => i.TaskId == contact.Id);
        Assert.Equal(("phone", "reached", 15, "cm-2", "care-manager"), (fromTask.Channel, fromTask.Outcome, fromTask.Minutes, fromTask.StaffId, fromTask.Role));
        Assert.Equal(["transport", "cost"], fromTask.Obstacles);
        Assert.Contains(interactions, i => i.Channel == "video" && i.Role == "pharmacist" && i.Minutes == 10);
        var month = Assert.Single(await GetAsync<List<TimeView>>(client, "patients/pt-1/time"));
        Assert.Equal((2, 25), (month.Interactions, month.TotalMinutes));
        Assert.Equal(CareflowApi.Now.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), month.Month);
    }

    [Fact]
    public async Task RecordInteraction_UnknownChannelAndRole_ProblemDetailsNameEachField()
    {
        var careflow = await StartAsync();

        using var response = await careflow.Client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/patients/pt-2/interactions", UriKind.Relative),
            new { channel = "pigeon", minutes = 5, by = "cm-2", role = "wizard" });

        var problem = await CareflowApi.ReadAsync<ProblemView>(response, HttpStatusCode.BadRequest);
        Assert.Contains("phone", problem.Errors!["channel"][0], StringComparison.Ordinal);
        Assert.Contains("care-manager", problem.Errors["role"][0], StringComparison.Ordinal);
        Assert.Empty(await GetAsync<List<InteractionView>>(careflow.Client, "patients/pt-2/interactions"));
    }

    [Fact]
    public async Task CarePlan_ConfidenceElevenThenAttainedWithStory_ValidatesEachFieldAndKeepsTheStory()
    {
        var careflow = await StartAsync();
        var goals = new Uri($"api/practices/{Practice}/patients/pt-3/care-plan/goals", UriKind.Relative);

        using var eleven = await careflow.Client.PostAsJsonAsync(goals, new { goal = "Walk 20 minutes after dinner", confidence = 11, by = "cm-2" });
        var problem = await CareflowApi.ReadAsync<ProblemView>(eleven, HttpStatusCode.BadRequest);
        Assert.Equal(["confidence"], problem.Errors!.Keys);
        Assert.Contains("1 (not at all) to 10 (fully)", problem.Errors["confidence"][0], StringComparison.Ordinal);
        using var storyTooSoon = await careflow.Client.PostAsJsonAsync(goals, new { goal = "Walk", confidence = 6, by = "cm-2", successStory = "Did it" });
        Assert.Contains("successStory", (await CareflowApi.ReadAsync<ProblemView>(storyTooSoon, HttpStatusCode.BadRequest)).Errors!.Keys);

        using var created = await careflow.Client.PostAsJsonAsync(goals, new { goal = "Walk 20 minutes after dinner", confidence = 6, barriers = KneePain, followUpPlan = "Call in 2 weeks", by = "cm-2", setOn = "2026-10-01" });
        var goal = await CareflowApi.ReadAsync<GoalView>(created, HttpStatusCode.Created);
        using var attained = await careflow.Client.PutAsJsonAsync(new Uri($"{goals}/{goal.Id}", UriKind.Relative),
            new { status = "attained", attainedOn = "2026-10-29", successStory = "Walks with her neighbour every evening", by = "cm-2" });
        await CareflowApi.ReadAsync<GoalView>(attained, HttpStatusCode.OK);

        var plan = await GetAsync<CarePlanView>(careflow.Client, "patients/pt-3/care-plan");
        var only = Assert.Single(plan.Goals);
        Assert.Equal(("g-1", "attained", "2026-10-29", 6, "Walks with her neighbour every evening"), (only.Id, only.Status, only.AttainedOn, only.Confidence, only.SuccessStory));
        Assert.Equal(["knee pain"], only.Barriers);
        var report = await careflow.Client.GetStringAsync(new Uri($"api/practices/{Practice}/reports/goals?month=2026-10&format=csv", UriKind.Relative));
        Assert.Contains("(unassigned),1,1,1,28,0,1,6", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Referral_SentThenCompleted_ClosesTheLoopAndRefusesGoingBack()
    {
        var careflow = await StartAsync();
        var referrals = new Uri($"api/practices/{Practice}/patients/pt-4/referrals", UriKind.Relative);

        using var sent = await careflow.Client.PostAsJsonAsync(referrals, new { id = "cardio-1", kind = "specialty", to = "cardiology", reason = "new murmur", by = "cm-2" });
        var answer = await CareflowApi.ReadAsync<ReferralAnswerView>(sent, HttpStatusCode.OK);
        Assert.Equal("sent", answer.Referral!.Status);
        var followUp = Assert.Single(answer.Referral.FollowUpTasks);
        Assert.Equal(("follow", "open"), (followUp.StepId, followUp.Status));

        using var completed = await careflow.Client.PostAsJsonAsync(new Uri($"{referrals}/cardio-1/status", UriKind.Relative), new { status = "completed", by = "rc-1" });
        Assert.Equal("completed", (await CareflowApi.ReadAsync<ReferralAnswerView>(completed, HttpStatusCode.OK)).Referral!.Status);
        using var back = await careflow.Client.PostAsJsonAsync(new Uri($"{referrals}/cardio-1/status", UriKind.Relative), new { status = "scheduled", by = "rc-1" });
        var conflict = await CareflowApi.ReadAsync<JsonElement>(back, HttpStatusCode.Conflict);
        Assert.Contains("only from sent", conflict.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var badKind = await careflow.Client.PostAsJsonAsync(referrals, new { kind = "astrology", to = "x", by = "cm-2" });
        Assert.Contains("kind", (await CareflowApi.ReadAsync<ProblemView>(badKind, HttpStatusCode.BadRequest)).Errors!.Keys);

        var listed = Assert.Single(await GetAsync<List<ReferralView>>(careflow.Client, "patients/pt-4/referrals"));
        Assert.Equal(("cardiology", "specialty", "completed"), (listed.To, listed.Kind, listed.Status));
        Assert.NotNull(listed.CompletedAt);
    }

    [Fact]
    public async Task RegistryList_FlierHandedOut_ShowsWhenByWhomAndHowToReach()
    {
        var careflow = await StartAsync();
        using var contact = await careflow.Client.PutAsJsonAsync(new Uri($"api/practices/{Practice}/patients/pt-5/contact", UriKind.Relative),
            new { phone = "+1 312 555 0142", bestTime = "mornings", by = "dcc-1" });
        await CareflowApi.ReadAsync<JsonElement>(contact, HttpStatusCode.OK);
        using var added = await careflow.Client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/lists/group-visit-flier", UriKind.Relative),
            new { patient = "pt-5", by = "dcc-1", at = "2026-11-03T10:15:00Z" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var list = await GetAsync<JsonElement>(careflow.Client, "lists/group-visit-flier");
        var entry = Assert.Single(list.GetProperty("entries").EnumerateArray());
        Assert.Equal(("pt-5", "dcc-1", "+1 312 555 0142", "mornings"),
            (entry.GetProperty("patientId").GetString(), entry.GetProperty("by").GetString(), entry.GetProperty("phone").GetString(), entry.GetProperty("bestTime").GetString()));
        Assert.Equal(DateTimeOffset.Parse("2026-11-03T10:15:00Z", System.Globalization.CultureInfo.InvariantCulture), entry.GetProperty("at").GetDateTimeOffset());
        using var typo = await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/lists/group-visit-flyer", UriKind.Relative));
        Assert.Contains("Did you mean 'group-visit-flier'?", (await CareflowApi.ReadAsync<ProblemView>(typo, HttpStatusCode.BadRequest)).Errors!["list"][0], StringComparison.Ordinal);
        Assert.DoesNotContain("555 0142", careflow.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_OverHttpAndCli_SameCsvAndClearErrors()
    {
        var careflow = await StartAsync();
        using var recorded = await careflow.Client.PostAsJsonAsync(new Uri($"api/practices/{Practice}/patients/pt-6/interactions", UriKind.Relative),
            new { channel = "phone", outcome = "not-reached", minutes = 4, by = "cm-2", role = "care-manager", at = "2026-10-12T09:00:00Z", obstacles = WorkHours });
        await CareflowApi.ReadAsync<JsonElement>(recorded, HttpStatusCode.OK);

        var http = await careflow.Client.GetStringAsync(new Uri($"api/practices/{Practice}/reports/outreach?month=2026-10&format=csv", UriKind.Relative));
        var (exit, cli, errors) = await RunCliAsync("report", "outreach", "--practice", Practice, "--month", "2026-10", "--format", "csv", "--data", Workspace.Data, "--workflows", Workspace.Workflows, "--rules", Workspace.Rules);

        Assert.True(exit == 0, errors);
        Assert.Equal(http, cli);
        Assert.Equal("channel,attempts,reached,reach_rate,patients_attempted,patients_reached,top_obstacles\r\nphone,1,0,0,1,0,work hours (1)\r\n", http);
        using var badMonth = await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/reports/ccm?month=2026-13", UriKind.Relative));
        Assert.Contains("YYYY-MM", (await CareflowApi.ReadAsync<ProblemView>(badMonth, HttpStatusCode.BadRequest)).Errors!["month"][0], StringComparison.Ordinal);
        using var conformance = await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/reports/conformance?month=2026-10", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, conformance.StatusCode);
        using (var json = JsonDocument.Parse(await conformance.Content.ReadAsStringAsync()))
        {
            Assert.Equal(("conformance", Practice), (json.RootElement.GetProperty("report").GetString(), json.RootElement.GetProperty("practice").GetString()));
        }

        var (typoExit, _, typo) = await RunCliAsync("report", "casload", "--practice", Practice, "--month", "2026-10", "--data", Workspace.Data);
        Assert.Equal(2, typoExit);
        Assert.Contains("Did you mean 'caseload'?", typo, StringComparison.Ordinal);
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri($"api/practices/{Practice}/{path}", UriKind.Relative));
        return await CareflowApi.ReadAsync<T>(response, HttpStatusCode.OK);
    }

    private static Task<(int Exit, string Output, string Errors)> RunCliAsync(params string[] args) => CareflowCli.RunAsync(RepositoryPaths.Root, args);

    private sealed record InteractionView(string Id, string Channel, string? Outcome, IReadOnlyList<string> Obstacles, int Minutes, string? StaffId, string? Role, bool FaceToFace, string? TaskId);

    private sealed record TimeView(string Month, int Interactions, int TotalMinutes, int CountedMinutes, string Codes);

    private sealed record GoalView(string Id, string Goal, IReadOnlyList<string> Barriers, int Confidence, string Status, string? AttainedOn, string? SuccessStory);

    private sealed record CarePlanView(string PatientId, IReadOnlyList<GoalView> Goals);

    private sealed record ReferralView(string Id, string Status, string? Kind, string? To, DateTimeOffset? CompletedAt, IReadOnlyList<TaskView> FollowUpTasks);

    private sealed record ReferralAnswerView(ReferralView? Referral, SubmitResult Result);
}
