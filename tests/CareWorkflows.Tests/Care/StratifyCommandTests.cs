using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Care;

public sealed class StratifyCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("careflow-stratify-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Stratify_MemberListCsv_WritesOneRowPerGoodMemberAndNamesTheBadRows()
    {
        var (exit, output, errors) = await RunAsync("stratify", "--panel", Path.Join(RepositoryPaths.Root, "tests/CareWorkflows.Tests/Interop/Data/members.csv"), "--practice", "p1");

        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("patient,tier,programs,rule,reason,rules_fired", rows[0]);
        var ana = Assert.Single(rows, r => r.StartsWith("M-100,", StringComparison.Ordinal));
        Assert.StartsWith("M-100,high,", ana, StringComparison.Ordinal);
        Assert.Contains("diabetes-high-risk", ana, StringComparison.Ordinal);
        Assert.Contains("row 4, column hba1c", errors, StringComparison.Ordinal);
        Assert.DoesNotContain(rows, r => r.StartsWith("M-102,", StringComparison.Ordinal));
        Assert.Equal(1, exit);
    }

    [Fact]
    public async Task Stratify_FhirNdjsonPanel_StratifiesEveryPatient()
    {
        var panel = Path.Join(_folder, "panel.ndjson");
        var parts = Directory.GetFiles(Path.Join(RepositoryPaths.Root, "tests/CareWorkflows.Tests/Interop/Data/ndjson"), "*.ndjson").Order(StringComparer.Ordinal);
        await File.WriteAllLinesAsync(panel, parts.SelectMany(File.ReadAllLines));

        var (exit, output, _) = await RunAsync("stratify", "--panel", panel, "--practice", "p1");

        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(0, exit);
        Assert.True(rows.Length >= 2, output);
        Assert.Contains(rows.Skip(1), r => r.Split(',')[1] == "high");
    }

    [Fact]
    public async Task Stratify_Explain_ShowsEveryEnrollmentRuleAndWhichDecides()
    {
        var (exit, output, _) = await RunAsync("stratify", "--panel", Path.Join(RepositoryPaths.Root, "tests/CareWorkflows.Tests/Interop/Data/members.csv"), "--practice", "p1", "--explain", "M-100");

        Assert.Equal(0, exit);
        Assert.Contains("HOLDS - decides", output, StringComparison.Ordinal);
        Assert.Contains("low-risk-default", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Rivera", output, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) => CareflowCli.RunAsync(RepositoryPaths.Root, args);
}
