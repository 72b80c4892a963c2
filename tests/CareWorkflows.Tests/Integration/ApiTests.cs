using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Issue 3 (c): the REST API of the real careflow process. Bad requests get a problem-details answer naming the
/// field and store nothing; what was accepted stays; the same event twice has one effect. Each test uses its own
/// practice, so the tests share one process.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ApiTests(CareflowFixture careflow) : IClassFixture<CareflowFixture>
{
    private static readonly TimeSpan FireTimeout = TimeSpan.FromSeconds(30);

    private HttpClient Client => careflow.Client;

    [Fact]
    public async Task PostEvent_MissingType_Returns400NamingTypeAndStoresNothing()
    {
        const string practice = "api-missing-type";
        var problem = await PostRawAsync(practice, """{ "id": "mt-1", "patient": "pt-1" }""");

        Assert.Equal(400, problem.Status);
        Assert.Contains("type", problem.Errors!.Keys);
        Assert.Single(problem.Errors);

        // Nothing was stored: the same id with a type is new, not a duplicate.
        var answer = await Client.SubmitAsync(practice, Discharge("mt-1", "pt-1"));
        Assert.Equal(1, answer.Applied);
        Assert.Equal(0, answer.Duplicates);
    }

    [Fact]
    public async Task PostBatch_OneEventInvalid_Returns400NamingIndexedFieldAndStoresNoneOfIt()
    {
        const string practice = "api-batch";
        var accepted = await Client.SubmitAsync(practice, Discharge("b-0", "pt-accepted"));
        var acceptedTask = Assert.Single(Assert.Single(accepted.Results).TasksCreated);

        var problem = await PostRawAsync(practice, """
            [
              { "id": "b-1", "type": "patient.discharged", "patient": "pt-1" },
              { "id": "b-2", "patient": "pt-2" }
            ]
            """);

        Assert.Equal(400, problem.Status);
        Assert.Equal(["[1].type"], problem.Errors!.Keys);
        // The valid event of the refused batch was not stored either; the event accepted before is still there.
        var tasks = await Client.TasksAsync(practice);
        Assert.Equal(acceptedTask, Assert.Single(tasks).Id);
        var resend = await Client.SubmitAsync(practice, Discharge("b-1", "pt-1"));
        Assert.Equal(1, resend.Applied);
    }

    [Theory]
    [InlineData("""{ "type": "patient.discharged", "patient": "pt-1" }""", "id")]
    [InlineData("""{ "id": "f-1", "type": "patient.discharged" }""", "patient")]
    [InlineData("""{ "id": "f-1", "type": "patient.discharged", "patient": "pt-1", "at": "yesterday" }""", "at")]
    [InlineData("""{ "id": "f-1", "type": "patient.discharged", "patient": "pt-1", "minutes": 5000 }""", "minutes")]
    [InlineData("""{ "id": "f-1", "type": "patient.discharged", "patient": "pt-1", "data": { "setting": { "a": 1 } } }""", "data.setting")]
    [InlineData("""{ "id": "f-1", "type": "task.completed", "patient": "pt-1" }""", "taskId")]
    [InlineData("""{ "id": "f-1", "type": "timer.fired", "patient": "pt-1" }""", "type")]
    [InlineData("""[ { "id": "f-1", "type": "patient.discharged", "patient": "pt-1" }, { "id": "f-2", "type": "patient.discharged", "patient": "pt-1", "at": "soon" } ]""", "[1].at")]
    [InlineData("""[]""", "body")]
    public async Task PostEvent_InvalidField_Returns400ProblemNamingField(string body, string field)
    {
        const string practice = "api-fields";
        var problem = await PostRawAsync(practice, body);

        Assert.Equal(400, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        Assert.True(problem.Errors!.ContainsKey(field), $"errors name {string.Join(", ", problem.Errors.Keys)}, not {field}");
        Assert.Empty(await Client.TasksAsync(practice));
    }

    [Fact]
    public async Task PostEvent_UnknownType_Returns400WithDidYouMean()
    {
        var problem = await PostRawAsync("api-unknown", """{ "id": "u-1", "type": "patient.dischargd", "patient": "pt-1" }""");

        Assert.Equal(400, problem.Status);
        var message = Assert.Single(problem.Errors!["type"]);
        Assert.Contains("patient.dischargd", message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'patient.discharged'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostEvent_SameIdTwice_SecondIsDuplicateWithOneEffect()
    {
        const string practice = "api-duplicate";
        var first = await Client.SubmitAsync(practice, Discharge("d-1", "pt-1"));
        var second = await Client.SubmitAsync(practice, Discharge("d-1", "pt-1"));

        Assert.Equal((1, 0), (first.Applied, first.Duplicates));
        Assert.Equal((0, 1), (second.Applied, second.Duplicates));
        Assert.Equal("duplicate", Assert.Single(second.Results).Status);
        Assert.Empty(second.Results[0].TasksCreated);
        Assert.Single(await Client.TasksAsync(practice));
        var timeline = await Client.TimelineAsync(practice, "pt-1");
        Assert.Single(timeline, e => e.Type == "instance.started");
        Assert.Single(timeline, e => e.Type == "task.created");
    }

    [Fact]
    public async Task CompleteTask_OutcomeNotInTaskOutcomes_Returns400NamingOutcome()
    {
        const string practice = "api-outcome";
        var taskId = await DischargeAsync(practice, "o-1", "pt-1");

        using var wrong = await CompleteAsync(practice, taskId, new { outcome = "maybe", minutes = 5 });
        var problem = await CareflowApi.ReadAsync<ProblemView>(wrong, HttpStatusCode.BadRequest);
        var message = Assert.Single(problem.Errors!["outcome"]);
        Assert.Contains("reached, not-reached", message, StringComparison.Ordinal);

        using var missing = await CompleteAsync(practice, taskId, new { minutes = 5 });
        Assert.Contains("outcome", (await CareflowApi.ReadAsync<ProblemView>(missing, HttpStatusCode.BadRequest)).Errors!.Keys);

        var task = Assert.Single(await Client.TasksAsync(practice));
        Assert.Equal(("open", (string?)null), (task.Status, task.Outcome));
    }

    [Fact]
    public async Task CompleteTask_WithOutcome_InstanceMovesToNextTask()
    {
        const string practice = "api-complete";
        var contactId = await DischargeAsync(practice, "c-1", "pt-1");

        using var response = await CompleteAsync(practice, contactId, new { outcome = "reached", minutes = 12, note = "Doing well at home", by = "cm-7" });
        var answer = await CareflowApi.ReadAsync<SubmitAnswer>(response, HttpStatusCode.OK);
        Assert.Equal(1, answer.Applied);
        var medCheckId = Assert.Single(Assert.Single(answer.Results).TasksCreated);

        var tasks = await Client.TasksAsync(practice);
        var contact = Assert.Single(tasks, t => t.Id == contactId);
        Assert.Equal(("completed", "reached", 12, "Doing well at home"), (contact.Status, contact.Outcome, contact.Minutes, contact.Note));
        var medCheck = Assert.Single(tasks, t => t.Id == medCheckId);
        Assert.Equal(("med-check", "pharmacist", "open"), (medCheck.StepId, medCheck.Role, medCheck.Status));
        var instance = Assert.Single((await Client.PatientAsync(practice, "pt-1")).Instances);
        Assert.Equal(("tcm-fast", 1, "running", "med-check"), (instance.Workflow, instance.Version, instance.Status, instance.Step));

        // Completing it again (a client retry) has no second effect.
        using var again = await CompleteAsync(practice, contactId, new { outcome = "reached", minutes = 12 });
        Assert.Equal(1, (await CareflowApi.ReadAsync<SubmitAnswer>(again, HttpStatusCode.OK)).Duplicates);
        Assert.Equal(2, (await Client.TasksAsync(practice)).Count);
    }

    [Fact]
    public async Task CompleteTask_NotReachedThenEscalateAndEnd_EscalationStaysOpen()
    {
        const string practice = "api-give-up";
        var contactId = await DischargeAsync(practice, "g-1", "pt-1");

        using var response = await CompleteAsync(practice, contactId, new { outcome = "not-reached", minutes = 10 });
        var answer = await CareflowApi.ReadAsync<SubmitAnswer>(response, HttpStatusCode.OK);
        var escalationId = Assert.Single(Assert.Single(answer.Results).TasksCreated);

        Assert.Equal("ended", Assert.Single((await Client.PatientAsync(practice, "pt-1")).Instances).Status);
        var escalation = Assert.Single(await Client.TasksAsync(practice, "kind=escalation"));
        Assert.Equal((escalationId, "give-up", "open"), (escalation.Id, escalation.StepId, escalation.Status));
    }

    [Fact]
    public async Task ClaimTask_WithAndWithoutAssignee_ClaimsOrNamesAssignee()
    {
        const string practice = "api-claim";
        var taskId = await DischargeAsync(practice, "cl-1", "pt-1");

        using var missing = await Client.PostAsJsonAsync(new Uri($"api/practices/{practice}/tasks/{taskId}/claim", UriKind.Relative), new { assignee = " " });
        Assert.Contains("assignee", (await CareflowApi.ReadAsync<ProblemView>(missing, HttpStatusCode.BadRequest)).Errors!.Keys);

        using var claimed = await Client.PostAsJsonAsync(new Uri($"api/practices/{practice}/tasks/{taskId}/claim", UriKind.Relative), new { assignee = "cm-3" });
        Assert.Equal(HttpStatusCode.NoContent, claimed.StatusCode);
        Assert.Equal(taskId, Assert.Single(await Client.TasksAsync(practice, "assignee=cm-3")).Id);

        using var unknown = await Client.PostAsJsonAsync(new Uri($"api/practices/{practice}/tasks/t-nope/claim", UriKind.Relative), new { assignee = "cm-3" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ListTasks_FilteredByRoleKindAndOverdue_ReturnsOnlyMatchingTasks()
    {
        const string practice = "api-filter";
        // Discharged yesterday: the contact is long overdue and escalates at the next sweep. Discharged now: not due.
        await Client.SubmitAsync(practice, Discharge("fl-1", "pt-late", CareflowApi.Now.AddDays(-1)));
        await Client.SubmitAsync(practice, Discharge("fl-2", "pt-fresh"));
        await CareflowApi.PollAsync(
            () => Client.TasksAsync(practice, "kind=escalation"),
            tasks => tasks.Count > 0,
            FireTimeout,
            "pt-late's overdue contact escalated");

        Assert.Equal(2, (await Client.TasksAsync(practice, "role=care-manager")).Count);
        Assert.Equal("pt-late", Assert.Single(await Client.TasksAsync(practice, "role=care-manager&overdue=true")).PatientId);
        Assert.Equal("pt-fresh", Assert.Single(await Client.TasksAsync(practice, "role=care-manager&overdue=false")).PatientId);
        var escalation = Assert.Single(await Client.TasksAsync(practice, "role=clinician&kind=escalation"));
        Assert.Equal(("pt-late", "escalate"), (escalation.PatientId, escalation.StepId));
        Assert.Empty(await Client.TasksAsync(practice, "kind=escalation&patient=pt-fresh"));
        Assert.Empty(await Client.TasksAsync(practice, "role=pharmacist"));
        Assert.Empty(await Client.TasksAsync(practice, "status=completed"));
        Assert.Single(await Client.TasksAsync(practice, "role=care-manager&limit=1"));

        foreach (var (query, field) in new[] { ("status=bogus", "status"), ("kind=bogus", "kind"), ("limit=0", "limit"), ("dueBefore=later", "dueBefore") })
        {
            using var response = await Client.GetAsync(new Uri($"api/practices/{practice}/tasks?{query}", UriKind.Relative));
            Assert.Contains(field, (await CareflowApi.ReadAsync<ProblemView>(response, HttpStatusCode.BadRequest)).Errors!.Keys);
        }
    }

    [Fact]
    public async Task PatientTimeline_AfterDischargeAndCompletion_ListsEntriesInOrder()
    {
        const string practice = "api-timeline";
        var contactId = await DischargeAsync(practice, "tl-1", "pt-1");
        using var completed = await CompleteAsync(practice, contactId, new { outcome = "reached", minutes = 3 });
        Assert.Equal(HttpStatusCode.OK, completed.StatusCode);

        var timeline = await Client.TimelineAsync(practice, "pt-1");

        Assert.Equal(["instance.started", "task.created", "task.completed", "task.created"], timeline.Select(e => e.Type));
        Assert.All(timeline, e => Assert.Equal(("tcm-fast", (int?)1), (e.Workflow, e.Version)));
        Assert.Equal(("contact", "care-manager", contactId), (timeline[1].Step, timeline[1].Role, timeline[1].TaskId));
        Assert.Equal(("contact", "reached"), (timeline[2].Step, timeline[2].Outcome));
        Assert.Equal(("med-check", "pharmacist"), (timeline[3].Step, timeline[3].Role));

        using var unknown = await Client.GetAsync(new Uri($"api/practices/{practice}/patients/pt-nobody", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task PutFacts_InvalidAndUnknownFacts_Returns400NamingEachAndChangesNothing()
    {
        const string practice = "api-facts";
        using var good = await PutFactsAsync(practice, "pt-1", new Dictionary<string, object> { ["hba1c"] = 9.4, ["conditions"] = "diabetes,copd" });
        Assert.Equal(1, (await CareflowApi.ReadAsync<SubmitAnswer>(good, HttpStatusCode.OK)).Applied);

        using var bad = await PutFactsAsync(practice, "pt-1", new { hba1c = "high", nonsense = 1, age = 70 });
        var problem = await CareflowApi.ReadAsync<ProblemView>(bad, HttpStatusCode.BadRequest);
        Assert.Equal(["hba1c", "nonsense"], problem.Errors!.Keys.Order(StringComparer.Ordinal));

        var facts = (await Client.PatientAsync(practice, "pt-1")).Facts;
        Assert.Equal(("9.4", "diabetes,copd", "0"), (facts["hba1c"], facts["conditions"], facts["age"]));
    }

    [Fact]
    public async Task PutFacts_ValueChangedBackToEarlierValue_PatientHasLatestValue()
    {
        const string practice = "api-facts-again";
        foreach (var hba1c in new[] { 9.1m, 7m, 9.1m })
        {
            using var response = await PutFactsAsync(practice, "pt-1", new { hba1c });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("9.1", (await Client.PatientAsync(practice, "pt-1")).Facts["hba1c"]);
    }

    [Fact]
    public async Task PostEvent_SameIdInTwoPractices_EachPracticeAppliesItsOwn()
    {
        var first = await Client.SubmitAsync("api-tenant-a", Discharge("shared-1", "pt-a"));
        var second = await Client.SubmitAsync("api-tenant-b", Discharge("shared-1", "pt-b"));

        Assert.Equal(1, first.Applied);
        Assert.Equal(1, second.Applied);
        Assert.Single(await Client.TasksAsync("api-tenant-b"));
    }

    [Fact]
    public async Task PostEvent_WrongJsonShape_Returns400NamingField()
    {
        var problem = await PostRawAsync("api-shape", """{ "id": "s-1", "type": "patient.discharged", "patient": "pt-1", "minutes": "five" }""");

        Assert.Equal(["minutes"], problem.Errors!.Keys);
    }

    [Fact]
    public async Task PostBatch_WrongJsonShape_Returns400NamingIndexedField()
    {
        var problem = await PostRawAsync("api-shape", """[ { "id": "s-1", "type": "patient.discharged", "patient": "pt-1", "minutes": "five" } ]""");

        Assert.Equal(["[0].minutes"], problem.Errors!.Keys);
    }

    [Fact]
    public async Task Health_Running_Returns200Healthy()
    {
        using var response = await Client.GetAsync(new Uri("api/health", UriKind.Relative));
        var health = await CareflowApi.ReadAsync<HealthView>(response, HttpStatusCode.OK);

        Assert.Equal("healthy", health.Status);
        Assert.Equal(4, health.Workflows);
    }

    private async Task<ProblemView> PostRawAsync(string practice, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri($"api/practices/{practice}/events", UriKind.Relative), content);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await CareflowApi.ReadAsync<ProblemView>(response, HttpStatusCode.BadRequest);
    }

    private Task<HttpResponseMessage> PutFactsAsync(string practice, string patient, object facts) =>
        Client.PutAsJsonAsync(new Uri($"api/practices/{practice}/patients/{patient}/facts", UriKind.Relative), facts);

    private Task<HttpResponseMessage> CompleteAsync(string practice, string taskId, object body) =>
        Client.PostAsJsonAsync(new Uri($"api/practices/{practice}/tasks/{taskId}/complete", UriKind.Relative), body);

    /// <summary>Posts a discharge now and answers the id of the contact task it created.</summary>
    private async Task<string> DischargeAsync(string practice, string id, string patient)
    {
        var answer = await Client.SubmitAsync(practice, Discharge(id, patient));
        return Assert.Single(Assert.Single(answer.Results).TasksCreated);
    }

    private static EventPost Discharge(string id, string patient, DateTimeOffset? at = null) => new()
    {
        Id = id,
        Type = "patient.discharged",
        Patient = patient,
        At = at is null ? null : CareflowApi.Iso(at.Value),
        Data = new Dictionary<string, string> { ["setting"] = "inpatient", ["disposition"] = "home" },
    };
}
