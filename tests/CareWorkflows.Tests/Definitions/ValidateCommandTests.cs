using System.Globalization;
using System.Text.RegularExpressions;
using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Definitions;

/// <summary>Runs the real <c>careflow validate</c> (careflow.dll is copied next to the tests) on broken and shipped folders.</summary>
public partial class ValidateCommandTests
{
    [Theory]
    [InlineData("CW0001-unclosed-quote.yaml")]
    [InlineData("CW0002-unknown-step-key.yaml")]
    [InlineData("CW0014-locked-field.yaml")]
    [InlineData("CW0022-unknown-wait-event.yaml")]
    [InlineData("CW0032-duplicate-rule-set.yaml")]
    public async Task Validate_BrokenFile_ExitsOneWithOneLinePerProblem(string name)
    {
        var file = BrokenFile.Read(name);
        using var staged = file.Stage();

        var (exitCode, stdout, stderr) = await RunValidateAsync(staged.Root, "workflows", "rules");

        Assert.True(exitCode == 1, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var reported = new List<string>();
        foreach (var line in lines)
        {
            var match = ErrorLine().Match(line);
            Assert.True(match.Success, $"'{line}' is not 'path:line:col: error CW####: message'.");
            reported.Add($"{match.Groups["code"].Value} {match.Groups["path"].Value}:{match.Groups["line"].Value}:{match.Groups["col"].Value}");
        }

        var expected = file.Expected.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Code} {file.Place}:{e.Line}:{e.Column}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), reported.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Validate_ShippedFolders_ExitsZeroAndPrintsNoProblem()
    {
        var (exitCode, stdout, stderr) = await RunValidateAsync(RepositoryPaths.Root, "workflows", "rules");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        Assert.Equal("", stdout.Trim());
    }

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunValidateAsync(string workingDirectory, string workflows, string rules) =>
        CareflowCli.RunAsync(workingDirectory, "validate", "--workflows", workflows, "--rules", rules);

    [GeneratedRegex(@"^(?<path>[^:]+):(?<line>\d+):(?<col>\d+): error (?<code>CW\d{4}): .+$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();
}
