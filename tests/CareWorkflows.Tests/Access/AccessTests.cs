using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CareWorkflows.Engine.Access;
using CareWorkflows.Tests.Integration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Access;

/// <summary>
/// Issue 7: every API call is authenticated, keys come from <c>careflow keys create</c> and are shown once, each role
/// does what the README's table says, a revoked key stops working, and a JWT maps onto the same roles and practices.
/// All through the real careflow process.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AccessTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string SigningKey = "tests-only-signing-key-0123456789abcdef";

    [Fact]
    public async Task Api_NoKeyOrUnknownKey_Answers401NamingTheHeader_HealthStaysOpen()
    {
        var careflow = await StartAsync();
        using var anonymous = new HttpClient { BaseAddress = careflow.BaseAddress };

        using var health = await anonymous.GetAsync(new Uri("api/health", UriKind.Relative));
        var missing = await ProblemAsync(anonymous, "api/practices/p1/tasks", HttpStatusCode.Unauthorized);
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "cfk_aaaaaaaaaaaa_" + new string('b', 43));
        var unknown = await ProblemAsync(anonymous, "api/practices/p1/tasks", HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("Authorization: Bearer", missing, StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", unknown, StringComparison.Ordinal);
        Assert.Contains("unknown or revoked", unknown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_CareTeamKeyForP1_WorksOnP1Only_ThenRevokedIsRefused()
    {
        var careflow = await StartAsync();
        var key = await CareflowCli.CreateKeyAsync(Workspace.Data, "--role", "care-team", "--practice", "p1", "--name", "front desk");
        using var client = new HttpClient { BaseAddress = careflow.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);

        await client.SubmitAsync("p1", new EventPost { Id = "k-1", Type = "patient.discharged", Patient = "pt-1", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });
        Assert.NotEmpty(await client.TasksAsync("p1"));
        var otherPractice = await ProblemAsync(client, "api/practices/p2/tasks", HttpStatusCode.Forbidden);
        var audit = await ProblemAsync(client, "api/audit", HttpStatusCode.Forbidden);

        var (_, list, _) = await CareflowCli.RunAsync(Workspace.Root, "keys", "list", "--data", Workspace.Data);
        // The secret is base64url and may itself hold '_': split the way the server does.
        var (id, secret) = ApiKey.Parse(key)!.Value;
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.Contains("front desk", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        var (revoked, _, _) = await CareflowCli.RunAsync(Workspace.Root, "keys", "revoke", id, "--data", Workspace.Data);
        var afterRevoke = await ProblemAsync(client, "api/practices/p1/tasks", HttpStatusCode.Unauthorized);

        Assert.Contains("not for practice 'p2'", otherPractice, StringComparison.Ordinal);
        Assert.Contains("audit.read", audit, StringComparison.Ordinal);
        Assert.Equal(0, revoked);
        Assert.Contains("revoked", afterRevoke, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_OfPracticeP1_GetWhatTheRoleTableSays()
    {
        (string Role, string Url, HttpStatusCode Expected)[] cases =
        [
            ("po-analyst", "api/practices/p1/tasks", HttpStatusCode.Forbidden),
            ("po-analyst", "api/practices/p1/patients/pt-1/timeline", HttpStatusCode.Forbidden),
            ("po-analyst", "api/definitions", HttpStatusCode.OK),
            ("quality-staff", "api/practices/p1/inbox/failed", HttpStatusCode.Forbidden),
            ("quality-staff", "api/definitions/tcm-fast/diagram", HttpStatusCode.OK),
            ("care-team", "api/practices/p1/tasks", HttpStatusCode.OK),
            ("care-team", "api/audit?practice=p1", HttpStatusCode.Forbidden),
            ("admin", "api/audit?practice=p1", HttpStatusCode.OK),
            ("admin", "api/audit?practice=p2", HttpStatusCode.Forbidden),
        ];
        var careflow = await StartAsync();
        var wrong = new List<string>();
        foreach (var role in cases.Select(c => c.Role).Distinct())
        {
            using var client = new HttpClient { BaseAddress = careflow.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CareflowCli.CreateKeyAsync(Workspace.Data, "--role", role, "--practice", "p1"));
            foreach (var (_, url, expected) in cases.Where(c => c.Role == role))
            {
                using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
                if (response.StatusCode != expected)
                {
                    wrong.Add($"{role} GET {url}: {(int)response.StatusCode}, expected {(int)expected}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task Jwt_SignedWithConfiguredKey_MapsRoleAndPracticesLikeAnApiKey()
    {
        Workspace.Environment["Careflow__Jwt__SigningKey"] = SigningKey;
        Workspace.Environment["Careflow__Jwt__Audience"] = "careflow-api";
        Workspace.Environment["Careflow__Jwt__Issuer"] = "https://idp.test";
        var careflow = await StartAsync();
        using var client = new HttpClient { BaseAddress = careflow.BaseAddress };

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("care-team", "p1 p3", "careflow-api"));
        await client.SubmitAsync("p3", new EventPost { Id = "jwt-1", Type = "patient.discharged", Patient = "pt-j", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });
        var tasks = await client.TasksAsync("p3");
        var foreign = await ProblemAsync(client, "api/practices/p2/tasks", HttpStatusCode.Forbidden);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("care-team", "p1", "another-api"));
        var wrongAudience = await ProblemAsync(client, "api/practices/p1/tasks", HttpStatusCode.Unauthorized);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token("nurse", "p1", "careflow-api"));
        var unknownRole = await ProblemAsync(client, "api/practices/p1/tasks", HttpStatusCode.Unauthorized);

        Assert.NotEmpty(tasks);
        Assert.Contains("not for practice 'p2'", foreign, StringComparison.Ordinal);
        Assert.Contains("audience", wrongAudience, StringComparison.Ordinal);
        Assert.Contains("careflow_role", unknownRole, StringComparison.Ordinal);

        // The audit trail names the token's subject.
        var audit = await careflow.Client.GetStringAsync(new Uri("api/audit?practice=p3", UriKind.Relative));
        Assert.Contains("jwt:user-42", audit, StringComparison.Ordinal);
    }

    private static string Token(string role, string practices, string audience) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "https://idp.test",
        Audience = audience,
        Subject = new ClaimsIdentity([new Claim("sub", "user-42"), new Claim("name", "Test Coordinator"), new Claim("careflow_role", role), new Claim("careflow_practices", practices)]),
        Expires = CareflowApi.Now.UtcDateTime.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256),
    });

    private static async Task<string> ProblemAsync(HttpClient client, string url, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"GET {url} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString()!;
    }
}
