using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Tests.Definitions;

public class ShippedDefinitionsTests
{
    private static readonly Lazy<LoadResult> Loaded = new(() => DefinitionLoader.Load(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    public static TheoryData<string> WorkflowFiles() =>
        [.. Directory.EnumerateFiles(RepositoryPaths.Workflows, "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}scenarios{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f))];

    public static TheoryData<string> RuleFiles() =>
        [.. Directory.EnumerateFiles(RepositoryPaths.Rules, "*.yaml").Select(f => Path.GetRelativePath(RepositoryPaths.Root, f))];

    [Theory]
    [MemberData(nameof(WorkflowFiles))]
    [MemberData(nameof(RuleFiles))]
    public void Load_ShippedFile_HasNoErrors(string file)
    {
        var errors = Loaded.Value.Errors.Where(e => e.At.File.EndsWith(file.Replace('\\', '/'), StringComparison.Ordinal));

        Assert.Empty(errors);
    }

    [Fact]
    public void Load_ShippedFolders_Succeed()
    {
        Assert.True(Loaded.Value.Succeeded, string.Join(Environment.NewLine, Loaded.Value.Errors));
    }

    [Theory]
    [InlineData("dm-pre-visit")]
    [InlineData("dm-visit")]
    [InlineData("dm-between-visits")]
    [InlineData("transition-of-care")]
    [InlineData("medication-review")]
    [InlineData("planned-visit")]
    [InlineData("advance-care-planning")]
    [InlineData("referral-tracking")]
    [InlineData("interdisciplinary-team-review")]
    public void Load_StandardWorkflowsFromTheSeeds_AreThere(string id)
    {
        Assert.Contains(Loaded.Value.Definitions!.Standards, w => w.Id == id);
    }

    [Theory]
    [InlineData("diabetes-care-coordinator")]
    [InlineData("care-manager")]
    [InlineData("clinician")]
    [InlineData("pharmacist")]
    [InlineData("behavioral-specialist")]
    [InlineData("social-worker")]
    [InlineData("community-health-worker")]
    [InlineData("health-coach")]
    public void Catalog_SeedTeamRoles_AreDeclared(string role)
    {
        Assert.Contains(role, Loaded.Value.Definitions!.Catalog.Roles.Keys);
    }

    [Theory]
    [InlineData("needs-follow-up")]
    [InlineData("group-visit-flier")]
    public void Catalog_SeedRegistryLists_AreDeclared(string list)
    {
        Assert.Contains(list, Loaded.Value.Definitions!.Catalog.Lists.Keys);
    }

    [Fact]
    public void TransitionOfCare_ContactStep_IsDueInTwoBusinessDaysAndLocked()
    {
        var workflow = Loaded.Value.Definitions!.WorkflowFor("transition-of-care", null)!;
        var contact = Assert.IsType<TaskStep>(workflow.Step("contact"));

        Assert.Equal("2 business days", contact.Due!.ToString());
        Assert.Contains("steps.contact.due", workflow.Locked);
    }

    [Theory]
    [InlineData("enrollment")]
    [InlineData("cadence")]
    [InlineData("escalation")]
    public void Rules_FixedRuleSets_AreLoaded(string ruleSet)
    {
        Assert.NotEmpty(Loaded.Value.Definitions!.Rules.RuleSets[ruleSet].Rules);
    }
}
