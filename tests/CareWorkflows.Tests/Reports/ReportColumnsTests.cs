using System.Text.RegularExpressions;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Tests.Interop;

namespace CareWorkflows.Tests.Reports;

public sealed partial class ReportColumnsTests
{
    public static TheoryData<string> Reports => [.. ReportRunner.Reports.Keys];

    [Theory]
    [MemberData(nameof(Reports))]
    public async Task Csv_EveryReport_OpensWithItsHeaderRowEvenWithNoRows(string report)
    {
        await using var store = await InteropStore.CreateAsync(DateTimeOffset.Parse("2027-06-20T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

        var csv = await store.CsvAsync(report, "2027-06");

        Assert.Equal(string.Join(',', ReportRunner.Reports[report].Columns.Select(c => c.Name)), csv[0]);
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Docs_EveryReport_ListsExactlyItsColumnsInOrder(string report)
    {
        var docs = File.ReadAllText(Path.Join(RepositoryPaths.Root, "docs", "reports.md"));
        var section = docs.Split("\n## ").Single(s => s.StartsWith(report + "\n", StringComparison.Ordinal));

        var documented = ColumnRow().Matches(section).Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(ReportRunner.Reports[report].Columns.Select(c => c.Name), documented);
    }

    [GeneratedRegex(@"^\| `([a-z0-9_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ColumnRow();
}
