using System.Text.RegularExpressions;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Tests.Definitions;

/// <summary>
/// Every file in Definitions/Invalid/ is placed into a copy of the shipped definitions; the validator must report
/// exactly the errors its '# expect:' header lists, at the right line and column, with a message that says how to fix it.
/// </summary>
public partial class InvalidDefinitionTests
{
    public static TheoryData<string> BrokenFiles() => [.. BrokenFile.Names];

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Load_BrokenFile_ReportsCodeLineAndColumn(string name)
    {
        var file = BrokenFile.Read(name);
        using var staged = file.Stage();

        var result = DefinitionLoader.Load(staged.Workflows, staged.Rules);

        var expected = file.Expected.Select(e => $"{e.Code} {e.File ?? file.Place}:{e.Line}:{e.Column}").Order(StringComparer.Ordinal).ToList();
        var actual = result.Errors.Select(e => $"{e.Code} {staged.Relative(e.At.File)}:{e.At.Line}:{e.At.Column}").Order(StringComparer.Ordinal).ToList();
        if (!expected.SequenceEqual(actual))
        {
            Assert.Fail($"""
                {name}: the validator's errors differ from the file's '# expect:' lines.
                expected:
                  {string.Join("\n  ", expected)}
                actual:
                  {string.Join("\n  ", result.Errors.Select(e => $"{e.Code} {staged.Relative(e.At.File)}:{e.At.Line}:{e.At.Column}: {e.Message}"))}
                """);
        }

        foreach (var want in file.Expected.Where(e => e.MessagePart is not null))
        {
            var error = result.Errors.First(e => e.Code == want.Code && e.At.Line == want.Line && e.At.Column == want.Column);
            Assert.Contains(want.MessagePart!, error.Message, StringComparison.OrdinalIgnoreCase);
        }

        Assert.All(result.Errors, e => Assert.True(HasFixHint(e.Message), $"'{e.Message}' does not say how to fix the problem."));
        Assert.False(result.Succeeded);
        Assert.Null(result.Definitions);
    }

    [Fact]
    public void InvalidFolder_HasAtLeast36BrokenFiles()
    {
        Assert.True(BrokenFile.Names.Count >= 36, $"only {BrokenFile.Names.Count} files in {BrokenFile.Folder}");
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void BrokenFile_Header_ExpectsTheCodeItIsNamedAfter(string name)
    {
        var file = BrokenFile.Read(name);

        Assert.NotEmpty(file.Expected);
        Assert.Matches(FileName(), name);
        Assert.Contains(file.Expected, e => e.Code == file.NamedCode);
        Assert.All(file.Expected, e => Assert.False(string.IsNullOrWhiteSpace(e.MessagePart), $"{name}: every '# expect:' line names a piece of the message."));
    }

    // Loose on purpose: after the statement of the problem comes more text (a second sentence, or what follows a
    // colon or semicolon), or the statement itself says what the value must be.
    private static bool HasFixHint(string message) =>
        message.Length > 0 && (SentenceBreak().IsMatch(message.TrimEnd()) || message.Contains(" must ", StringComparison.Ordinal));

    [GeneratedRegex(@"[.?:;]\s+\S", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    [GeneratedRegex(@"^CW\d{4}-[a-z0-9]+(-[a-z0-9]+)*\.yaml$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
