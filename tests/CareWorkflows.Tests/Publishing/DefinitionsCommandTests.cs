using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Publishing;

/// <summary>
/// The real <c>careflow definitions</c> and <c>careflow report conformance</c> verbs on a copy of the shipped
/// workflows: what a quality lead types, and what the PO reads.
/// </summary>
public sealed class DefinitionsCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("careflow-publish-").FullName;

    public DefinitionsCommandTests()
    {
        CareflowWorkspace.CopyFolder(RepositoryPaths.Workflows, Path.Join(_folder, "workflows"));
        CareflowWorkspace.CopyFolder(RepositoryPaths.Rules, Path.Join(_folder, "rules"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Conformance_ListsTheFieldsAPracticesOverlayChanges()
    {
        var (exit, output, errors) = await RunAsync("report", "conformance", "--practice", "northside", "--format", "csv");

        Assert.True(exit == 0, errors);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r')).ToList();
        Assert.Equal("practice,workflow,runs,version,changed_fields,running_on_current,running_on_older,older_versions", rows[0]);
        Assert.Equal(
            "northside,dm-between-visits,overlay,1,steps.outreach.role: diabetes-care-coordinator -> medical-assistant; steps.obstacles.role: diabetes-care-coordinator -> medical-assistant; steps.obstacles.due: 2 business days -> 3 business days,0,0,",
            Assert.Single(rows, r => r.StartsWith("northside,dm-between-visits,", StringComparison.Ordinal)));
        Assert.Equal(12, rows.Count(r => r.StartsWith("northside,", StringComparison.Ordinal)));
        Assert.Single(rows, r => r.Contains(",overlay,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Publish_ThenRollback_HistoryShowsEveryVersionWithItsNote()
    {
        var file = Path.Join(_folder, "workflows", "transition-of-care.yaml");
        var original = await File.ReadAllTextAsync(file);
        var edited = Path.Join(_folder, "edited.yaml");
        await File.WriteAllTextAsync(edited, original.Replace("version: 1", "version: 2", StringComparison.Ordinal).Replace("due: 2 business days", "due: 1 business day", StringComparison.Ordinal));

        var published = await RunAsync("definitions", "publish", edited, "--note", "Contact within 1 business day", "--by", "quality-lead");
        var rolledBack = await RunAsync("definitions", "rollback", "transition-of-care", "--to", "1", "--note", "Staff cannot keep up", "--by", "quality-lead");
        var history = await RunAsync("definitions", "history", "transition-of-care", "--format", "json");

        Assert.True(published.Exit == 0, published.Output + published.Errors);
        Assert.Contains("published transition-of-care version 2", published.Output, StringComparison.Ordinal);
        Assert.True(rolledBack.Exit == 0, rolledBack.Output + rolledBack.Errors);
        Assert.Equal(original.Replace("version: 1", "version: 3", StringComparison.Ordinal), await File.ReadAllTextAsync(file));
        var versions = history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, versions.Length);
        Assert.Contains("\"version\":2", versions[1], StringComparison.Ordinal);
        Assert.Contains("\"note\":\"Contact within 1 business day\"", versions[1], StringComparison.Ordinal);
        Assert.Contains("\"note\":\"Rollback to version 1: Staff cannot keep up\"", versions[2], StringComparison.Ordinal);
        Assert.Contains("\"current\":true", versions[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_OverlayChangingALockedField_IsRefusedNamingTheLock()
    {
        var overlay = Path.Join(_folder, "overlay.yaml");
        await File.WriteAllTextAsync(overlay, "extends: transition-of-care\npractice: northside\nsteps:\n  - id: contact\n    due: 5 business days\n");

        var (exit, output, _) = await RunAsync("definitions", "publish", overlay, "--note", "more time");

        Assert.Equal(1, exit);
        Assert.Contains("workflows/practices/northside/transition-of-care.yaml:5:5: error CW0014: 'steps.contact.due' is locked", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Join(_folder, "workflows", "practices", "northside", "transition-of-care.yaml")));
    }

    private Task<(int Exit, string Output, string Errors)> RunAsync(params string[] args) =>
        CareflowCli.RunAsync(_folder, [.. args, "--data", Path.Join(_folder, "data")]);
}
