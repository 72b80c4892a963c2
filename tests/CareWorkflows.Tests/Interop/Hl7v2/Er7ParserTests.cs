using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Tests.Interop.Hl7v2;

/// <summary>The ER7 parser on the standard's ADT examples, separators, escapes, repetitions and broken messages.</summary>
public sealed class Er7ParserTests
{
    [Theory]
    [InlineData("a01.hl7", "A01", "ADT_A01", "I")]
    [InlineData("a03.hl7", "A03", "ADT_A03", "I")]
    [InlineData("a04.hl7", "A04", "ADT_A01", "O")]
    [InlineData("a08.hl7", "A08", "ADT_A01", "I")]
    public void Parse_StandardExample_ReadsHeaderPatientAndVisit(string file, string trigger, string structure, string patientClass)
    {
        var message = Er7Parser.Parse(Hl7TestData.Message(file));

        Assert.Equal(["MSH", "EVN", "PID", "NK1", "PV1"], message.Segments.Select(s => s.Id));
        var msh = message.Header;
        Assert.Equal("|", msh.Value(1));
        Assert.Equal("^~\\&", msh.Value(2));
        Assert.Equal("ADT1", msh.Value(3));
        Assert.Equal("GOOD HEALTH HOSPITAL", msh.Value(4));
        Assert.Equal(("ADT", trigger, structure), (msh.Value(9), msh.Value(9, 2), msh.Value(9, 3)));
        Assert.Equal("2.5", msh.Value(12));

        var pid = message.Segment("PID")!;
        Assert.Equal(2, pid.Repetitions(3).Count);
        Assert.Equal(("PATID1234", "GOOD HEALTH HOSPITAL", "MR"), (pid.Value(3), pid.Value(3, 4), pid.Value(3, 5)));
        Assert.Equal(("123456789", "USSSA", "SS"), (pid.Value(3, repetition: 2), pid.Value(3, 4, repetition: 2), pid.Value(3, 5, repetition: 2)));
        Assert.Equal(("EVERYMAN", "ADAM", "III"), (pid.Value(5), pid.Value(5, 2), pid.Value(5, 4)));
        Assert.Equal("GREENSBORO", pid.Value(11, 3));
        Assert.Equal(patientClass, message.Segment("PV1")!.Value(2));
        Assert.Equal(5, message.Segment("PV1")!.Index);
    }

    [Fact]
    public void Parse_CrLfOrLfTerminators_ReadsTheSameSegments()
    {
        var cr = Hl7TestData.Message("a01.hl7");

        var crlf = Er7Parser.Parse(cr.Replace("\r", "\r\n", StringComparison.Ordinal));
        var lf = Er7Parser.Parse(cr.Replace('\r', '\n'));

        foreach (var message in new[] { crlf, lf })
        {
            Assert.Equal(Er7Parser.Parse(cr).Segments.Select(s => (s.Id, s.Raw(3))), message.Segments.Select(s => (s.Id, s.Raw(3))));
        }
    }

    [Fact]
    public void Parse_EscapeSequences_AreReplaced()
    {
        var message = Er7Parser.Parse(
            "MSH|^~\\&|ADT1|GHH|CAREFLOW|LAKESIDE|20261120093000||ADT^A08|C1|P|2.5.1\r" +
            "PID|1||M1^^^GHH^MR||O\\T\\BRIEN^ANN\\F\\MARIE^A\\S\\B^X\\R\\Y^back\\E\\slash||||||line1\\.br\\line2^\\X4869\\^\\H\\bold\\N\\^two\\.sp 2\\lines\r");
        var pid = message.Segment("PID")!;

        Assert.Equal("O&BRIEN", pid.Value(5));
        Assert.Equal("ANN|MARIE", pid.Value(5, 2));
        Assert.Equal("A^B", pid.Value(5, 3));
        Assert.Equal("X~Y", pid.Value(5, 4));
        Assert.Equal("back\\slash", pid.Value(5, 5));
        Assert.Equal("line1\nline2", pid.Value(11));
        Assert.Equal("Hi", pid.Value(11, 2));
        Assert.Equal("bold", pid.Value(11, 3));
        Assert.Equal("two\n\nlines", pid.Value(11, 4));
    }

    [Fact]
    public void Parse_OwnSeparatorsInMsh_AreUsedForEveryField()
    {
        var message = Er7Parser.Parse("MSH#:*!%#ADT1#GHH#CAREFLOW#LAKESIDE#20261120093000##ADT:A03#C1#P#2.5.1\rPID#1##M1:::GHH%1.2.3%ISO:MR*S2:::SSA:SS##DOE:JANE!T!X\r");
        var pid = message.Segment("PID")!;

        Assert.Equal("#", message.Header.Value(1));
        Assert.Equal(("ADT", "A03"), (message.Header.Value(9), message.Header.Value(9, 2)));
        Assert.Equal(2, pid.Repetitions(3).Count);
        Assert.Equal(("GHH", "1.2.3", "ISO"), (pid.Value(3, 4), pid.Value(3, 4, 2), pid.Value(3, 4, 3)));
        Assert.Equal("JANE%X", pid.Value(5, 2));
    }

    [Fact]
    public void Parse_UnknownSegments_AreKeptUnread()
    {
        var message = Er7Parser.Parse(Hl7TestData.Message("a01.hl7") + "ZPI|1|\\Q\\ not checked\r");

        Assert.Equal("ZPI", message.Segments[^1].Id);
        Assert.Equal(6, message.Segments[^1].Index);
    }

    [Theory]
    [InlineData("", "AR", "message", "empty")]
    [InlineData("PID|1||M1^^^GHH^MR\r", "AR", "message", "does not start with an MSH")]
    [InlineData("MSH|^~\r", "AR", "MSH-2", "too short")]
    [InlineData("MSH|^~^&|A|B|C|D|20261120||ADT^A01|1|P|2.5\r", "AR", "MSH-2", "four distinct signs")]
    [InlineData("MSHA^~\\&A|B\r", "AR", "MSH-1", "cannot be the field separator")]
    [InlineData("MSH|^~\\&|A|B|C|D|20261120||ADT^A01|1|P|2.5\rEVN|A01|20261120\rpid|1\r", "AE", "message", "segment 3 does not start with a segment id")]
    [InlineData("MSH|^~\\&|A|B|C|D|20261120||ADT^A01|1|P|2.5\rMSH|^~\\&|A|B\r", "AE", "MSH", "a second MSH")]
    [InlineData("MSH|^~\\&|A|B|C|D|20261120||ADT^A01|1|P|2.5\rPID|1||M1^^^GHH^MR||DOE\\Q\\\r", "AE", "PID-5.1", "not an escape sequence")]
    [InlineData("MSH|^~\\&|A|B|C|D|20261120||ADT^A01|1|P|2.5\rPID|1||M1^^^GHH^MR||DOE^JO\\F\r", "AE", "PID-5.2", "not closed")]
    [InlineData("MSH|^~\\&|A\\X4\\|B|C|D|20261120||ADT^A01|1|P|2.5\r", "AR", "MSH-3.1", "not an escape sequence")]
    public void Parse_Malformed_ThrowsNamingLocation(string text, string ack, string location, string what)
    {
        var error = Assert.Throws<Hl7Exception>(() => Er7Parser.Parse(text)).Error;

        Assert.Equal(ack, AckBuilder.Code(error.Ack));
        Assert.Equal(location, error.Location);
        Assert.Contains(what, error.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadEscape_NamesSegmentIndexAndRepetition()
    {
        var error = Assert.Throws<Hl7Exception>(() => Er7Parser.Parse(
            "MSH|^~\\&|A|B|C|D|20261120||ADT^A01|1|P|2.5\rEVN|A01|20261120\rPID|1||M1^^^GHH^MR~M2^^^X\\Z1\\^MR\r")).Error;

        Assert.Equal(("PID", 3, 3, 2, 4), (error.SegmentId, error.SegmentIndex, error.Field, error.Repetition, error.Component));
        Assert.StartsWith("segment 3 (PID), PID-3.4: ", error.ToString(), StringComparison.Ordinal);
    }
}
