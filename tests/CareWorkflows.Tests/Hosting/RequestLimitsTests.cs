using System.Text;
using System.Text.Json;
using CareWorkflows.Tests.Integration;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Hosting;

/// <summary>
/// Issue 7: request bodies and definition files are size-limited and parsed safely. Too large a body, JSON nested too
/// deep and a YAML file of deeply nested flow sequences are each refused with a clear problem, through the real host.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RequestLimitsTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    [Fact]
    public async Task Bodies_TooLargeOrNestedTooDeep_AreRefusedWithAProblemSayingWhich()
    {
        var careflow = await StartAsync();
        var big = "[" + string.Join(',', Enumerable.Range(0, 9000).Select(i => $"{{\"id\":\"big-{i}\",\"type\":\"patient.updated\",\"patient\":\"pt-{i}\",\"data\":{{\"note\":\"{new string('x', 80)}\"}}}}")) + "]";

        var declared = await PostAsync(careflow.Client, "api/practices/limits/events", new StringContent(big, Encoding.UTF8, "application/json"));
        var streamed = await PostAsync(careflow.Client, "api/practices/limits/events", new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) { Headers = { ContentType = new("application/json") } }, chunked: true);
        var deep = await PostAsync(careflow.Client, "api/practices/limits/events", new StringContent(new string('[', 5000) + new string(']', 5000), Encoding.UTF8, "application/json"));

        Assert.Equal((413, true), (declared.Status, declared.Detail.Contains("at most 1,048,576", StringComparison.Ordinal)));
        Assert.Equal(413, streamed.Status);
        Assert.Contains("Split the batch", streamed.Detail, StringComparison.Ordinal);
        Assert.Equal(400, deep.Status);
        Assert.Contains("nested more than 32 levels", deep.Detail, StringComparison.Ordinal);
        // Nothing of the refused batches was stored.
        Assert.Empty(await careflow.Client.TasksAsync("limits"));
        Assert.True(careflow.IsRunning);
    }

    [Fact]
    public async Task DefinitionFile_DeeplyNestedFlowSequences_IsRefusedWithCw0030_AndTheLastGoodVersionStays()
    {
        var careflow = await StartAsync();
        await File.WriteAllTextAsync(Workspace.WorkflowFile("bomb.yaml"),
            "workflow: bomb\nversion: 1\ntitle: Bomb\nlocked: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var definitions = await CareflowApi.PollAsync(() => careflow.Client.DefinitionsAsync(), d => d.Validation == "last edit refused", TimeSpan.FromSeconds(30), "the reload refuses the file");

        Assert.Contains(definitions.LastEditProblems, p => p.Contains("CW0030", StringComparison.Ordinal) && p.Contains("nested more than 64 levels", StringComparison.Ordinal));
        Assert.Contains(definitions.Workflows, w => w.Id == "tcm-fast");
        Assert.True(careflow.IsRunning);
    }

    private static async Task<(int Status, string Detail)> PostAsync(HttpClient client, string url, HttpContent content, bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = content };
        request.Headers.TransferEncodingChunked = chunked;
        // The server answers 413 before reading a body it will refuse; waiting for its go-ahead keeps the client from
        // writing into a connection the server has closed (a broken pipe instead of the answer).
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString() ?? "");
    }
}
