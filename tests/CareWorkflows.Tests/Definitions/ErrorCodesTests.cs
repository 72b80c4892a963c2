using System.Reflection;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Tests.Definitions;

/// <summary>Every error code is pinned by a broken file in Definitions/Invalid/ and documented in docs/error-codes.md.</summary>
public class ErrorCodesTests
{
    private static readonly Lazy<IReadOnlyList<BrokenFile>> Files = new(() => [.. BrokenFile.Names.Select(BrokenFile.Read)]);

    private static readonly IReadOnlyList<string> AllCodes =
        [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)];

    public static TheoryData<string> Codes() => [.. AllCodes];

    [Fact]
    public void ErrorCodes_AreDistinctAndWellFormed()
    {
        Assert.NotEmpty(AllCodes);
        Assert.Equal(AllCodes.Count, AllCodes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(AllCodes, code => Assert.Matches(@"^CW\d{4}$", code));
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void ErrorCode_HasABrokenFileExpectingIt(string code)
    {
        Assert.Contains(Files.Value, f => f.Expected.Any(e => e.Code == code));
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void ErrorCode_IsDocumented(string code)
    {
        var doc = Path.Join(RepositoryPaths.Root, "docs", "error-codes.md");
        Assert.True(File.Exists(doc), "docs/error-codes.md is missing: it lists every error code with an example.");

        Assert.Contains(code, File.ReadAllText(doc), StringComparison.Ordinal);
    }
}
