using System.Text.RegularExpressions;
using CareWorkflows.Engine.WhatIf;

namespace CareWorkflows.Tests.WhatIf;

public sealed partial class ImpactReportTests
{
    [Fact]
    public void Docs_WhatifReport_ListsExactlyItsColumnsInOrder()
    {
        var docs = File.ReadAllText(Path.Join(RepositoryPaths.Root, "docs", "reports.md"));
        var section = docs.Split("\n## ").Single(s => s.StartsWith(ImpactReport.Name + "\n", StringComparison.Ordinal));

        Assert.Equal(ImpactReport.Columns.Select(c => c.Name), ColumnRow().Matches(section).Select(m => m.Groups[1].Value));
    }

    [GeneratedRegex(@"^\| `([a-z0-9_]+)` \|", RegexOptions.Multiline)]
    private static partial Regex ColumnRow();
}
