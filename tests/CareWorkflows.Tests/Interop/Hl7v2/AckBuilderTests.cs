using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Tests.Interop.Hl7v2;

/// <summary>The ACKs careflow answers with, read back with its own parser.</summary>
public sealed class AckBuilderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Accept_EchoesControlIdAndAddresses()
    {
        var ack = Er7Parser.Parse(AckBuilder.Accept(Hl7TestData.Message("a01.hl7"), "applied", Now));

        var msh = ack.Header;
        Assert.Equal(("CAREFLOW", "GOOD HEALTH HOSPITAL", "ADT1", "GOOD HEALTH HOSPITAL"), (msh.Value(3), msh.Value(4), msh.Value(5), msh.Value(6)));
        Assert.Equal(("ACK", "A01", "ACK"), (msh.Value(9), msh.Value(9, 2), msh.Value(9, 3)));
        Assert.Equal("20261120160000+0000", msh.Value(7));
        var msa = ack.Segment("MSA")!;
        Assert.Equal(("AA", "MSG00001", "applied"), (msa.Value(1), msa.Value(2), msa.Value(3)));
        Assert.Null(ack.Segment("ERR"));
    }

    [Fact]
    public void Refuse_WritesErrWithLocationCodeAndEscapedText()
    {
        var error = new Hl7Error(AckCode.Error, ErrorCondition.RequiredFieldMissing, "PID", 3, "no MR in PID-3 | send MRN^^^AUTH^MR") { Field = 3, Component = 5, Repetition = 2 };

        var ack = Er7Parser.Parse(AckBuilder.Refuse(Hl7TestData.Message("a01.hl7"), error, Now));

        Assert.Equal(("AE", "MSG00001", "PID-3.5: Required field missing"), (ack.Segment("MSA")!.Value(1), ack.Segment("MSA")!.Value(2), ack.Segment("MSA")!.Value(3)));
        var err = ack.Segment("ERR")!;
        Assert.Equal(("PID", "1", "3", "2", "5"), (err.Value(2), err.Value(2, 2), err.Value(2, 3), err.Value(2, 4), err.Value(2, 5)));
        Assert.Equal(("101", "Required field missing", "HL70357"), (err.Value(3), err.Value(3, 2), err.Value(3, 3)));
        Assert.Equal("E", err.Value(4));
        Assert.Equal("segment 3 (PID), PID-3.5: no MR in PID-3 | send MRN^^^AUTH^MR", err.Value(8));
    }

    [Fact]
    public void Refuse_NotHl7_AnswersArWithDefaultSeparators()
    {
        var error = new Hl7Error(AckCode.Reject, ErrorCondition.SegmentSequence, "", 0, "the message does not start with an MSH segment.");

        var text = AckBuilder.Refuse("hello", error, Now);
        var ack = Er7Parser.Parse(text);

        Assert.StartsWith("MSH|^~\\&|CAREFLOW|", text, StringComparison.Ordinal);
        Assert.Equal(("AR", ""), (ack.Segment("MSA")!.Value(1), ack.Segment("MSA")!.Value(2)));
        Assert.Equal("", ack.Segment("ERR")!.Value(2));
    }
}
