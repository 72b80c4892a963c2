using System.Text;
using CareWorkflows.Host.Access;
using CareWorkflows.Tests.Integration;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Access;

/// <summary>
/// Issue 7: a user of practice A never reads or changes practice B's patients, tasks or reports. The walk takes every
/// endpoint from the app's EndpointDataSource (so endpoints added later are walked too), calls it with keys of
/// practice A of every role, once naming practice B and once naming A with B's ids, and expects 403/404 and none of
/// B's data.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CrossTenantTests(ITestOutputHelper output)
{
    private const string PracticeA = "tenant-a";
    private const string PracticeB = "tenant-b";
    private const string PatientB = "b-patient-7731";

    [Fact]
    public async Task EveryEndpoint_KeyOfPracticeA_NeverAnswersWithPracticeBData()
    {
        await using var careflow = await InProcessCareflow.StartAsync();
        var po = await careflow.ClientAsync(AccessPolicy.Admin, "*");
        var b = await SeedPracticeBAsync(po);
        var endpoints = careflow.Endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Endpoint: e, Method: m)))
            .ToList();
        Assert.True(endpoints.Count >= 14, $"only {endpoints.Count} endpoints found; the walk would prove little.");

        var anonymous = careflow.Anonymous();
        var failures = new List<string>();
        foreach (var role in AccessPolicy.Roles.Keys)
        {
            var a = await careflow.ClientAsync(role, PracticeA);
            foreach (var (endpoint, method) in endpoints)
            {
                // 1. Naming practice B, by route or by filter: refused.
                var foreign = Url(endpoint, PracticeB, b, $"practice={PracticeB}&patient={PatientB}");
                var (status, body) = await CallAsync(a, method, foreign);
                if (status is not (403 or 404) || Leaks(body, b, foreign, endpoint))
                {
                    failures.Add($"{role} {method} {foreign} answered {status}: {Cut(body)}");
                }

                // 2. Naming practice A with B's ids (guessing): no B data, whatever the status.
                var guessed = Url(endpoint, PracticeA, b, $"practice={PracticeA}&patient={PatientB}");
                (status, body) = await CallAsync(a, method, guessed);
                if (Leaks(body, b, guessed, endpoint))
                {
                    failures.Add($"{role} {method} {guessed} answered {status} with practice B data: {Cut(body)}");
                }
            }
        }

        foreach (var (endpoint, method) in endpoints)
        {
            var url = Url(endpoint, PracticeB, b, "");
            var (status, body) = await CallAsync(anonymous, method, url);
            if (status != 401 || Leaks(body, b, url, endpoint))
            {
                failures.Add($"no key {method} {url} answered {status}: {Cut(body)}");
            }
        }

        output.WriteLine($"walked {endpoints.Count} endpoint methods with {AccessPolicy.Roles.Count} roles: {string.Join(", ", endpoints.Select(e => $"{e.Method} {e.Endpoint.RoutePattern.RawText}"))}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Endpoints_AllDeclareAPermission_OrAreAnonymousOnPurpose()
    {
        await using var careflow = await InProcessCareflow.StartAsync();

        Assert.Empty(PermissionEndpoints.Undeclared(careflow.Endpoints));
    }

    [Fact]
    public async Task NewEndpoint_WithoutPermission_Answers403AndIsNamed()
    {
        // As another branch might add it: mapped on the app, with no RequirePermission.
        await using var careflow = await InProcessCareflow.StartAsync(app => app.MapGet("/api/practices/{practiceId}/reminders-probe", () => "secret"));
        var admin = await careflow.ClientAsync(AccessPolicy.Admin, "*");

        var (status, body) = await CallAsync(admin, "GET", "api/practices/p1/reminders-probe");

        Assert.Equal(403, status);
        Assert.DoesNotContain("secret", body, StringComparison.Ordinal);
        Assert.Contains("declares no permission", body, StringComparison.Ordinal);
        Assert.Equal(["GET /api/practices/{practiceId}/reminders-probe"], PermissionEndpoints.Undeclared(careflow.Endpoints));
    }

    private sealed record PracticeBData(string PatientId, IReadOnlyList<string> TaskIds, IReadOnlyList<string> EventIds);

    private static async Task<PracticeBData> SeedPracticeBAsync(HttpClient po)
    {
        var now = CareflowApi.Now;
        await po.SubmitAsync(PracticeB,
            new EventPost { Id = "b-evt-facts", Type = "patient.updated", Patient = PatientB, Data = new Dictionary<string, string> { ["conditions"] = "diabetes" } },
            new EventPost { Id = "b-evt-discharge", Type = "patient.discharged", Patient = PatientB, At = CareflowApi.Iso(now.AddHours(-1)), Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });
        var tasks = await po.TasksAsync(PracticeB);
        Assert.NotEmpty(tasks);
        return new PracticeBData(PatientB, [.. tasks.Select(t => t.Id)], ["b-evt-facts", "b-evt-discharge"]);
    }

    private static string Url(RouteEndpoint endpoint, string practice, PracticeBData b, string query)
    {
        var path = endpoint.RoutePattern.RawText!.TrimStart('/');
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            var value = parameter.Name switch
            {
                "practiceId" => practice,
                "patientId" => b.PatientId,
                "taskId" => b.TaskIds[0],
                "program" => "ccm",
                _ => "tcm-fast",
            };
            path = path.Replace($"{{{parameter.Name}}}", value, StringComparison.Ordinal);
        }

        return query.Length == 0 ? path : $"{path}?{query}";
    }

    private static async Task<(int Status, string Body)> CallAsync(HttpClient client, string method, string url)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// B's data: its patient, tasks and events, and for the audit trail any entry of practice B. An id the request
    /// itself carried is not a leak when echoed (A's own audit entries record what A asked for).
    /// </summary>
    private static bool Leaks(string body, PracticeBData b, string url, RouteEndpoint endpoint)
    {
        var markers = endpoint.RoutePattern.RawText!.Contains("audit", StringComparison.Ordinal)
            ? [$"\"practiceId\":\"{PracticeB}\""]
            : new[] { b.PatientId }.Concat(b.TaskIds).Concat(b.EventIds);
        return markers.Where(m => !url.Contains(m, StringComparison.Ordinal)).Any(m => body.Contains(m, StringComparison.Ordinal));
    }

    private static string Cut(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
