using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Publishing through the real host: a change is checked, must raise the version, is recorded with its note, and
/// applies to new instances only; a rollback brings the earlier steps back as a new version; the conformance
/// report shows the instances still on the older version.
/// </summary>
public sealed class PublishingTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "publish";

    [Fact]
    public async Task Publish_RaisedVersion_NewInstancesTakeIt_OldOnesKeepTheirs_HistoryAndConformanceShowIt()
    {
        var careflow = await StartAsync();
        var original = await File.ReadAllTextAsync(Workspace.WorkflowFile("tcm-fast.yaml"));
        await careflow.Client.SubmitAsync(Practice, Discharge("pb-1", "pt-before"));

        var version2 = original.Replace("version: 1", "version: 2", StringComparison.Ordinal).Replace("role: care-manager", "role: community-health-worker", StringComparison.Ordinal);
        using (var published = await PublishAsync(careflow, "tcm-fast", version2, "CHWs make the post-discharge call"))
        {
            var answer = await CareflowApi.ReadAsync<JsonElement>(published, HttpStatusCode.OK);
            Assert.Equal(2, answer.GetProperty("version").GetInt32());
            Assert.True(answer.GetProperty("active").GetBoolean());
        }

        Assert.Equal(version2, await File.ReadAllTextAsync(Workspace.WorkflowFile("tcm-fast.yaml")));
        await careflow.Client.SubmitAsync(Practice, Discharge("pb-2", "pt-after"));
        Assert.Equal(1, Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-before")).Instances).Version);
        Assert.Equal(2, Assert.Single((await careflow.Client.PatientAsync(Practice, "pt-after")).Instances).Version);
        Assert.Equal("community-health-worker", Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-after")).Role);

        var history = await CareflowApi.ReadAsync<List<JsonElement>>(await careflow.Client.GetAsync(new Uri("api/definitions/tcm-fast/versions", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal([1, 2], history.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal("CHWs make the post-discharge call", history[1].GetProperty("note").GetString());
        Assert.True(history[1].GetProperty("current").GetBoolean());
        Assert.Equal(1, history[0].GetProperty("running").GetInt32());

        var conformance = await careflow.Client.GetStringAsync(new Uri($"api/reports/conformance?practice={Practice}&format=csv", UriKind.Relative));
        var row = Assert.Single(conformance.Split('\n'), line => line.StartsWith($"{Practice},tcm-fast,", StringComparison.Ordinal));
        Assert.Equal($"{Practice},tcm-fast,standard,2,,1,1,v1: 1", row.TrimEnd('\r'));
    }

    [Fact]
    public async Task Publish_SameVersion_OrBrokenDefinition_IsRefusedWithWhereAndNothingIsWritten()
    {
        var careflow = await StartAsync();
        var file = Workspace.WorkflowFile("tcm-fast.yaml");
        var original = await File.ReadAllTextAsync(file);

        using (var sameVersion = await PublishAsync(careflow, "tcm-fast", original.Replace("due: 1 minute", "due: 2 minutes", StringComparison.Ordinal), "longer due"))
        {
            var problem = await sameVersion.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.UnprocessableEntity, sameVersion.StatusCode);
            Assert.Contains("tcm-fast.yaml:7:10: error CW0018", problem, StringComparison.Ordinal);
            Assert.Contains("Set 'version: 2'", problem, StringComparison.Ordinal);
        }

        var unknownRole = original.Replace("version: 1", "version: 2", StringComparison.Ordinal).Replace("role: pharmacist", "role: pharmacists", StringComparison.Ordinal);
        using (var broken = await PublishAsync(careflow, "tcm-fast", unknownRole, "typo"))
        {
            var problem = await broken.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
            Assert.Contains("tcm-fast.yaml:24:11: error CW0009", problem, StringComparison.Ordinal);
            Assert.Contains("pharmacist", problem, StringComparison.Ordinal);
        }

        using (var noNote = await PublishAsync(careflow, "tcm-fast", original.Replace("version: 1", "version: 2", StringComparison.Ordinal), ""))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, noNote.StatusCode);
            Assert.Contains("change note is required", await noNote.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(original, await File.ReadAllTextAsync(file));
        Assert.Contains((await careflow.Client.DefinitionsAsync()).Workflows, w => w.Id == "tcm-fast" && w.Version == 1);
    }

    [Fact]
    public async Task Rollback_PublishesTheEarlierStepsAsANewVersion()
    {
        var careflow = await StartAsync();
        var original = await File.ReadAllTextAsync(Workspace.WorkflowFile("tcm-fast.yaml"));
        var version2 = original.Replace("version: 1", "version: 2", StringComparison.Ordinal).Replace("role: care-manager", "role: community-health-worker", StringComparison.Ordinal);
        (await PublishAsync(careflow, "tcm-fast", version2, "CHWs call")).Dispose();

        using var rolledBack = await careflow.Client.PostAsJsonAsync(new Uri("api/definitions/tcm-fast/rollback", UriKind.Relative), new { to = 1, note = "CHWs not trained yet" });
        var answer = await CareflowApi.ReadAsync<JsonElement>(rolledBack, HttpStatusCode.OK);

        Assert.Equal(3, answer.GetProperty("version").GetInt32());
        Assert.Equal(original.Replace("version: 1", "version: 3", StringComparison.Ordinal), await File.ReadAllTextAsync(Workspace.WorkflowFile("tcm-fast.yaml")));
        await careflow.Client.SubmitAsync(Practice, Discharge("rb-1", "pt-rolled"));
        Assert.Equal("care-manager", Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-rolled")).Role);
        var history = await CareflowApi.ReadAsync<List<JsonElement>>(await careflow.Client.GetAsync(new Uri("api/definitions/tcm-fast/versions", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal("Rollback to version 1: CHWs not trained yet", history.Single(v => v.GetProperty("version").GetInt32() == 3).GetProperty("note").GetString());
    }

    [Fact]
    public async Task Publish_StandardWithAPracticeKey_IsRefused_AndNothingIsWritten()
    {
        var careflow = await StartAsync();
        var file = Workspace.WorkflowFile("tcm-fast.yaml");
        var original = await File.ReadAllTextAsync(file);
        var key = await CareflowCli.CreateKeyAsync(Workspace.Data, "--role", "quality-staff", "--practice", Practice);
        using var practiceStaff = new HttpClient { BaseAddress = careflow.BaseAddress };
        practiceStaff.DefaultRequestHeaders.Add("X-Api-Key", key);

        // Naming their own practice lets the request past the practice check; the standard itself is the PO's.
        using var content = new StringContent(original.Replace("version: 1", "version: 2", StringComparison.Ordinal), Encoding.UTF8, "application/yaml");
        using var answer = await practiceStaff.PostAsync(new Uri($"api/definitions/tcm-fast/versions?practice={Practice}&note=shorter", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
        Assert.Contains("standard workflow of the physician organization", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(original, await File.ReadAllTextAsync(file));
    }

    private static async Task<HttpResponseMessage> PublishAsync(CareflowProcess careflow, string workflow, string yaml, string note)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        return await careflow.Client.PostAsync(new Uri($"api/definitions/{workflow}/versions?note={Uri.EscapeDataString(note)}", UriKind.Relative), content);
    }

    private static EventPost Discharge(string id, string patient) => new()
    {
        Id = id,
        Type = "patient.discharged",
        Patient = patient,
        Data = new Dictionary<string, string> { ["setting"] = "inpatient", ["disposition"] = "home" },
    };
}
