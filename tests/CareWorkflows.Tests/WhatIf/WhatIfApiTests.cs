using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CareWorkflows.Tests.Access;

namespace CareWorkflows.Tests.WhatIf;

/// <summary>The what-if and diff endpoints the draft pages call, through the real host over HTTP.</summary>
public sealed class WhatIfApiTests
{
    private const string Practice = "wi";
    private static readonly string[] Diabetes = ["diabetes"];

    private static string LoweredEnrollment() => File.ReadAllText(Path.Join(RepositoryPaths.Rules, "enrollment.yaml"))
        .Replace("patient.Hba1c != null && patient.Hba1c >= 9'", "patient.Hba1c != null && patient.Hba1c >= 8'", StringComparison.Ordinal);

    [Fact]
    public async Task PostWhatIf_QualityStaff_GetsTheImpactWithoutPatientIdsAndTheDiff()
    {
        await using var careflow = await InProcessCareflow.StartAsync();
        var careTeam = await careflow.ClientAsync("care-team", Practice);
        foreach (var (id, hba1c) in new[] { ("pt-a", "8.5"), ("pt-b", "9.5"), ("pt-c", "7.0"), ("pt-d", "8.1") })
        {
            using var put = await careTeam.PutAsJsonAsync(new Uri($"api/practices/{Practice}/patients/{id}/facts", UriKind.Relative), new Dictionary<string, object> { ["age"] = 60, ["conditions"] = Diabetes, ["hba1c"] = decimal.Parse(hba1c, System.Globalization.CultureInfo.InvariantCulture) });
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        var quality = await careflow.ClientAsync("quality-staff", Practice);
        using var answer = await quality.PostAsJsonAsync(new Uri($"api/practices/{Practice}/whatif", UriKind.Relative), new { files = new Dictionary<string, string> { ["rules/enrollment.yaml"] = LoweredEnrollment() }, weeks = 2, start = "2026-11-30" });

        var body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        var report = json.GetProperty("report");
        Assert.Equal(2, report.GetProperty("summary").GetProperty("patients_changed").GetInt32());
        var groups = report.GetProperty("rows").EnumerateArray().Where(r => r.GetProperty("section").GetString() == "patients").ToList();
        Assert.Equal("rising -> high", Assert.Single(groups).GetProperty("group").GetString());
        Assert.DoesNotContain("pt-a", body, StringComparison.Ordinal);
        Assert.Contains(json.GetProperty("diff").EnumerateArray(), l => l.GetProperty("text").GetString() == "rule 'diabetes-poor-control' threshold changed from patient.Hba1c >= 9 to patient.Hba1c >= 8");
        Assert.NotEmpty(json.GetProperty("assumptions").EnumerateArray());

        using var refused = await careTeam.PostAsJsonAsync(new Uri($"api/practices/{Practice}/whatif", UriKind.Relative), new { file = LoweredEnrollment() });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var otherPractice = await quality.PostAsJsonAsync(new Uri("api/practices/elsewhere/whatif", UriKind.Relative), new { file = LoweredEnrollment() });
        Assert.Equal(HttpStatusCode.Forbidden, otherPractice.StatusCode);
    }

    [Fact]
    public async Task PostDiff_InvalidDraft_Is422WithTheValidatorLine_AndAValidOneGivesSentences()
    {
        await using var careflow = await InProcessCareflow.StartAsync();
        var quality = await careflow.ClientAsync("quality-staff", Practice);

        using var bad = await quality.PostAsJsonAsync(new Uri($"api/definitions/diff?practice={Practice}", UriKind.Relative), new { file = LoweredEnrollment().Replace("SuccessEvent: high", "SuccessEvent: [high", StringComparison.Ordinal) });
        var problem = await bad.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Matches(@"\(file\):\d+:\d+: error CW0001", problem);

        using var good = await quality.PostAsJsonAsync(new Uri($"api/definitions/diff?practice={Practice}", UriKind.Relative), new { file = LoweredEnrollment() });
        var sentences = JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement.GetProperty("sentences").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Equal(["rules/enrollment: rule 'diabetes-poor-control' threshold changed from patient.Hba1c >= 9 to patient.Hba1c >= 8"], sentences);
    }
}
