using CareWorkflows.Engine.Interop;
using CareWorkflows.Engine.Interop.Csv;
using static CareWorkflows.Tests.Interop.InteropData;

namespace CareWorkflows.Tests.Interop;

/// <summary>
/// Issue 4: payer member lists (careflow import --csv). Every error names the row and the column; bad rows are
/// refused and the good rows taken. Data/members.csv has quoted commas, doubled quotes and a line break in a field.
/// </summary>
public sealed class MemberListTests
{
    private static string Members => Path.Join(Folder, "members.csv");

    private static MemberListResult Read() => new MemberListReader(Codes).Read(Members, "demo", Now);

    [Fact]
    public void Read_BadNumber_ErrorNamesFileRowAndColumn()
    {
        var errors = Read().Problems.Where(p => p.Severity == ProblemSeverity.Error).Select(p => p.ToString()).ToList();

        Assert.Contains("members.csv: row 4, column hba1c: 'abc' is not a number (write it like 8.2).", errors);
    }

    [Fact]
    public void Read_FileWithBadRows_RefusesEachBadRowOnceAndTakesTheGoodOnes()
    {
        var result = Read();

        Assert.Equal(8, result.Rows);
        Assert.Equal(4, result.Taken);
        Assert.Equal(4, result.Refused);
        Assert.Equal(["M-100", "M-101", "M-104", "M-107"], result.Events.Select(e => e.PatientId));
        var errors = result.Problems.Where(p => p.Severity == ProblemSeverity.Error).ToList();
        Assert.Equal(["row 4", "row 5", "row 8", "row 9"], errors.Select(p => p.Entry));
        Assert.Equal("column ed_visits_6m", errors[1].Element);
        Assert.Equal("column birth_date", errors[2].Element);
        Assert.Contains("number of fields", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadBirthDate_DoesNotShowTheValue()
    {
        var problem = Read().Problems.Single(p => p.Element == "column birth_date");

        Assert.DoesNotContain("1960-13-01", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownColumn_IsAWarningNamingOnlyTheColumn()
    {
        var warning = Assert.Single(Read().Problems, p => p.Severity == ProblemSeverity.Warning);

        Assert.Equal("column member_name", warning.Element);
        Assert.DoesNotContain("Rivera", warning.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GoodRows_MapIcd10CodesThroughCodeSetsAndSetFacts()
    {
        var events = Read().Events.ToDictionary(e => e.PatientId);

        var ana = events["M-100"].Data;
        Assert.Equal("patient.updated", events["M-100"].Type);
        Assert.Equal("diabetes,heart-failure", ana["conditions"]);
        Assert.Equal("69", ana["age"]);
        Assert.Equal("9.2", ana["hba1c"]);
        Assert.Equal("8.7", ana["previous-hba1c"]);
        Assert.Equal("2", ana["ed-visits-12m"]);
        Assert.Equal("es", ana["language"]);
        Assert.Equal("sms", ana["preferred-channel"]);

        Assert.Equal("asthma", events["M-101"].Data["conditions"]);
        Assert.Equal("", events["M-101"].Data["hba1c"]);

        var thandi = events["M-104"].Data;
        Assert.Equal("depression", thandi["conditions"]);
        Assert.Equal("true", thandi["homeless"]);
        Assert.Equal("housing", thandi["social-needs"]);
        Assert.Equal("true", thandi["behavioral-health-need"]);

        Assert.Equal("diabetes,copd", events["M-107"].Data["conditions"]);
        Assert.Equal("true", events["M-107"].Data["homeless"]);
        Assert.StartsWith("csv:demo:member/M-107/", events["M-107"].EventId, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoMemberIdColumn_RefusesTheFileNamingTheColumn()
    {
        using var stream = new MemoryStream("id,hba1c\n1,8.0\n"u8.ToArray());

        var result = new MemberListReader(Codes).Read(stream, "list.csv", "demo", Now);

        Assert.Empty(result.Events);
        Assert.Equal("list.csv: row 1, column member_id: " + result.Problems[0].Message, result.Problems[0].ToString());
    }

    [Theory]
    [InlineData("member_id,conditions\nM1,E11;XYZ\n", "column conditions", "'XYZ' is neither an ICD-10 code")]
    [InlineData("member_id,homeless\nM1,maybe\n", "column homeless", "'maybe' is not true or false")]
    [InlineData("member_id,age\nM1,-3\n", "column age", "'-3' is not a whole number")]
    [InlineData("member_id,preferred_channel\nM1,fax\n", "column preferred_channel", "'fax' is not one of")]
    [InlineData("member_id,hba1c\nM1,31\n", "column hba1c", "out of range")]
    [InlineData("member_id,member_id\nM1,M1\n", "column member_id", "more than once")]
    public void Read_BadValue_ErrorNamesTheColumn(string csv, string column, string message)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));

        var result = new MemberListReader(Codes).Read(stream, "list.csv", "demo", Now);

        var error = Assert.Single(result.Problems, p => p.Severity == ProblemSeverity.Error);
        Assert.Equal(column, error.Element);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Empty(result.Events);
    }

    [Fact]
    public void Read_SameFileTwice_GivesTheSameEventIds()
    {
        Assert.Equal(Read().Events.Select(e => e.EventId), new MemberListReader(Codes).Read(Members, "demo", Now.AddDays(1)).Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Apply_MemberList_AssignsTiersThroughTheEnrollmentRules()
    {
        await using var store = await InteropStore.CreateAsync(Now);

        var applied = await store.ApplyAsync(Read().Events);

        Assert.Equal(4, applied.Applied);
        var ana = (await store.Queries.PatientAsync("demo", "M-100", CancellationToken.None))!;
        Assert.Equal("high", ana.Patient.Facts.Tier);
        Assert.Contains("diabetes-high-risk", ana.Patient.Facts.Programs);
        var jay = (await store.Queries.PatientAsync("demo", "M-101", CancellationToken.None))!;
        Assert.Equal("low", jay.Patient.Facts.Tier);
    }

    [Fact]
    public void Read_MrnColumn_GivesIdentifiersAndRefusesBadOnesWithoutShowingThem()
    {
        var csv = "member_id,mrn\nm-1,MERCY|E4421;urn:oid:1.2.3|77\nm-2,E9999\n";
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv));

        var result = new MemberListReader(Codes).Read(stream, "mrn.csv", "demo", Now);

        Assert.Equal([("demo", "m-1", "MERCY", "E4421"), ("demo", "m-1", "urn:oid:1.2.3", "77")],
            result.Identifiers.Select(i => (i.PracticeId, i.Identifier.PatientId, i.Identifier.System, i.Identifier.Value)));
        var error = Assert.Single(result.Problems).ToString();
        Assert.StartsWith("mrn.csv: row 3, column mrn: each medical record number is written SYSTEM|VALUE", error, StringComparison.Ordinal);
        Assert.DoesNotContain("E9999", error, StringComparison.Ordinal);
    }
}
