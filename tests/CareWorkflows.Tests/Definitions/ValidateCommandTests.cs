using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CareWorkflows.Tests.Definitions;

/// <summary>Runs the real <c>careflow validate</c> (careflow.dll is copied next to the tests) on broken and shipped folders.</summary>
public partial class ValidateCommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("CW0001-unclosed-quote.yaml")]
    [InlineData("CW0002-unknown-step-key.yaml")]
    [InlineData("CW0014-locked-field.yaml")]
    [InlineData("CW0022-unknown-wait-event.yaml")]
    [InlineData("CW0032-duplicate-rule-set.yaml")]
    public void Validate_BrokenFile_ExitsOneWithOneLinePerProblem(string name)
    {
        var file = BrokenFile.Read(name);
        using var staged = file.Stage();

        var (exitCode, stdout, stderr) = RunValidate(staged.Root, "workflows", "rules");

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
    public void Validate_ShippedFolders_ExitsZeroAndPrintsNoProblem()
    {
        var (exitCode, stdout, stderr) = RunValidate(RepositoryPaths.Root, "workflows", "rules");

        Assert.True(exitCode == 0, $"exit code {exitCode}; stdout: {stdout}; stderr: {stderr}");
        Assert.Equal("", stdout.Trim());
    }

    private static (int ExitCode, string Stdout, string Stderr) RunValidate(string workingDirectory, string workflows, string rules)
    {
        var careflow = Path.Join(AppContext.BaseDirectory, "careflow.dll");
        Assert.True(File.Exists(careflow), $"{careflow} is missing: the test project references the host, so the build copies it.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { careflow, "validate", "--workflows", workflows, "--rules", rules })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"careflow validate did not finish within {Timeout}.");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    [GeneratedRegex(@"^(?<path>[^:]+):(?<line>\d+):(?<col>\d+): error (?<code>CW\d{4}): .+$", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorLine();
}
