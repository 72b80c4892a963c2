using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CareWorkflows.Engine.Access;
using CareWorkflows.Host.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CareWorkflows.Tests.Interop;

/// <summary>The real host on a loopback port, with the shipped definitions and a fresh data folder.</summary>
public sealed class FhirApiHost : IAsyncLifetime
{
    private readonly string _data = Path.Join(Path.GetTempPath(), "careflow-fhir-api-" + Guid.NewGuid().ToString("N")[..12]);
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = new();

    public async Task InitializeAsync()
    {
        _app = await CareflowApp.BuildAsync(new ServeOptions(RepositoryPaths.Workflows, RepositoryPaths.Rules, "http://127.0.0.1:0", _data), CancellationToken.None);
        await _app.StartAsync();
        Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TimeSpan.FromMinutes(2) };
        var (_, key) = await _app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("fhir api tests", "care-team", ["*"], CancellationToken.None);
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner takes it.
        }
    }
}

/// <summary>
/// Issue 4: POST /api/practices/{practiceId}/fhir through the real host. A bundle with a broken entry is answered
/// with an OperationOutcome naming it, and the other entries are stored; the same bundle again gives duplicates only.
/// </summary>
[Trait("Category", "Integration")]
public sealed class FhirApiTests(FhirApiHost host) : IClassFixture<FhirApiHost>
{
    [Fact]
    public async Task PostBundle_BrokenEntry_Answers200OperationOutcomeNamingItAndStoresTheOthers()
    {
        const string practice = "fhir-broken";

        var (status, outcome) = await PostAsync(practice, await File.ReadAllBytesAsync(InteropData.BrokenCollection));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var issues = outcome.GetProperty("issue").EnumerateArray().ToList();
        var encounter = Assert.Single(issues, i => Expressions(i).Contains("Bundle.entry[3].resource.status"));
        Assert.Equal("error", encounter.GetProperty("severity").GetString());
        Assert.Contains("Bundle.entry[3]", encounter.GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        Assert.Contains("finishedd", encounter.GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        Assert.Contains(issues, i => Expressions(i).Contains("Bundle.entry[5].resource.subject"));
        var summary = Assert.Single(issues, i => i.GetProperty("severity").GetString() == "information").GetProperty("diagnostics").GetString()!;
        Assert.StartsWith("Took 4 of 7 entries (2 refused, 1 not used", summary, StringComparison.Ordinal);
        Assert.Contains("0 failed", summary, StringComparison.Ordinal);

        using var patient = JsonDocument.Parse(await host.Client.GetStringAsync(new Uri($"/api/practices/{practice}/patients/p-3001", UriKind.Relative)));
        var facts = patient.RootElement.GetProperty("facts");
        Assert.Equal("diabetes,copd", facts.GetProperty("conditions").GetString());
        Assert.Equal("9.4", facts.GetProperty("hba1c").GetString());
    }

    [Fact]
    public async Task PostBundle_SameBundleTwice_SecondAnswerCountsOnlyDuplicates()
    {
        const string practice = "fhir-twice";
        var body = await File.ReadAllBytesAsync(Path.Join(InteropData.Synthea, "James412_Wilson58.json"));

        var (firstStatus, first) = await PostAsync(practice, body);
        var (secondStatus, second) = await PostAsync(practice, body);

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.OK, secondStatus);
        Assert.Matches(@"\(\d+ applied, 0 duplicate, 0 failed\)", Summary(first));
        Assert.Matches(@"\(0 applied, \d+ duplicate, 0 failed\)", Summary(second));
    }

    [Fact]
    public async Task PostBody_NotABundle_Answers400OperationOutcome()
    {
        var (status, outcome) = await PostAsync("fhir-not-bundle", """{"resourceType":"Patient","id":"p1"}"""u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var issue = outcome.GetProperty("issue")[0];
        Assert.Equal("error", issue.GetProperty("severity").GetString());
        Assert.Contains("is not a Bundle", issue.GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostBundle_NoEntryUsable_Answers400AndStoresNothing()
    {
        const string practice = "fhir-none-usable";
        var body = """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"Encounter","id":"e1","status":"done","class":{"code":"AMB"},"subject":{"reference":"Patient/p-none"}}}]}
            """u8.ToArray();

        var (status, outcome) = await PostAsync(practice, body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(outcome.GetProperty("issue").EnumerateArray(), i => Expressions(i).Contains("Bundle.entry[0].resource.status"));
        using var response = await host.Client.GetAsync(new Uri($"/api/practices/{practice}/patients/p-none", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Outcome)> PostAsync(string practice, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        using var response = await host.Client.PostAsync(new Uri($"/api/practices/{practice}/fhir", UriKind.Relative), content);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }

    private static List<string?> Expressions(JsonElement issue) =>
        issue.TryGetProperty("expression", out var expressions) ? [.. expressions.EnumerateArray().Select(e => e.GetString())] : [];

    private static string Summary(JsonElement outcome) =>
        outcome.GetProperty("issue").EnumerateArray().Single(i => i.GetProperty("severity").GetString() == "information").GetProperty("diagnostics").GetString()!;
}
