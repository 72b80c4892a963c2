using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop.Hl7v2;

namespace CareWorkflows.Tests.Interop.Hl7v2;

/// <summary>ADT messages into careflow events: types, data, practice, MRNs, and the AE/AR of broken content.</summary>
public sealed class AdtMappingTests
{
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById("America/Chicago");
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 0, 0, TimeSpan.Zero);

    private static readonly PracticeSettings[] Practices =
    [
        new("ghh-clinic", "GHH clinic", Chicago, [], new TimeOnly(8, 0), new TimeOnly(17, 0)) { Hl7Facilities = ["GOOD HEALTH HOSPITAL"] },
        new("lakeside", "Lakeside", Chicago, [], new TimeOnly(8, 0), new TimeOnly(17, 0)) { Hl7Facilities = ["LAKESIDE"] },
        new("mcm-clinic", "MCM clinic", Chicago, [], new TimeOnly(8, 0), new TimeOnly(17, 0)) { Hl7Facilities = ["MCM"] },
    ];

    [Theory]
    [InlineData("a01.hl7", "patient.admitted", "inpatient")]
    [InlineData("a03.hl7", "patient.discharged", "inpatient")]
    [InlineData("a04.hl7", "appointment.arrived", "ambulatory")]
    public void Read_StandardExample_GivesEventWithSettingAndEvnTime(string file, string type, string setting)
    {
        var notice = AdtMapping.Read(Er7Parser.Parse(Hl7TestData.Message(file)), Practices, Now);

        Assert.Equal("ghh-clinic", notice.PracticeId);
        Assert.Equal(type, notice.EventType);
        Assert.Equal(setting, notice.Data["setting"]);
        // EVN-2 200708181123 has no offset: a local time of the practice (Chicago, CDT in August).
        Assert.Equal(new DateTimeOffset(2007, 8, 18, 11, 23, 0, TimeSpan.FromHours(-5)), notice.At);
        var mrn = Assert.Single(notice.Identifiers);
        Assert.Equal(("PATID1234", "GOOD HEALTH HOSPITAL", 1), (mrn.Value, mrn.Systems[0], mrn.Repetition));
        Assert.Equal($"hl7:GOOD HEALTH HOSPITAL:{notice.ControlId}", notice.EventId);
    }

    [Fact]
    public void Read_OlderStandardExample_V231WithCheckDigitAndNoMessageStructure_GivesAdmission()
    {
        // The A01 example of the HL7 2.3 chapters as it circulates (MSH-9 without its structure, a CX with check digit).
        var notice = AdtMapping.Read(Er7Parser.Parse(Hl7TestData.Message("a01-v231.hl7")), Practices, Now);

        Assert.Equal(("mcm-clinic", "patient.admitted", "inpatient"), (notice.PracticeId, notice.EventType, notice.Data["setting"]));
        Assert.Equal(new DateTimeOffset(1988, 8, 18, 11, 23, 0, TimeSpan.FromHours(-5)), notice.At);
        var mrn = Assert.Single(notice.Identifiers);
        Assert.Equal(("PATID1234", "ADT1"), (mrn.Value, mrn.Systems[0]));
    }

    [Fact]
    public void Read_A08_GivesPatientUpdatedWithAge()
    {
        var notice = AdtMapping.Read(Er7Parser.Parse(Hl7TestData.Message("a08.hl7")), Practices, Now);

        Assert.Equal("patient.updated", notice.EventType);
        Assert.Equal("65", notice.Data["age"]);
        Assert.False(notice.Data.ContainsKey("deceased"));
    }

    [Fact]
    public void Read_DischargeWithPv1Times_TakesPv145DispositionAndOidAuthority()
    {
        var notice = AdtMapping.Read(Er7Parser.Parse(Hl7TestData.Message("discharge-home.hl7")), Practices, Now);

        Assert.Equal("lakeside", notice.PracticeId);
        Assert.Equal("patient.discharged", notice.EventType);
        Assert.Equal("2026-11-20T09:15:00-06:00", notice.Data["discharged-at"]);
        Assert.Equal("home", notice.Data["disposition"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 15, 15, 0, TimeSpan.Zero), notice.At);
        Assert.Equal("hl7:MERCY:ADT-778201", notice.EventId);
        Assert.Equal(["MERCY", "2.16.840.1.113883.3.999", "urn:oid:2.16.840.1.113883.3.999"], Assert.Single(notice.Identifiers).Systems);
    }

    [Fact]
    public void Read_A04Emergency_GivesEdVisit()
    {
        var text = Hl7TestData.Message("a04.hl7").Replace("PV1|1|O|", "PV1|1|E|", StringComparison.Ordinal);

        var notice = AdtMapping.Read(Er7Parser.Parse(text), Practices, Now);

        Assert.Equal(("ed.visit", "emergency"), (notice.EventType, notice.Data["setting"]));
        Assert.Equal("2007-08-18T11:23:00-05:00", notice.Data["date"]);
    }

    [Theory]
    [InlineData("ADT^A01^ADT_A01|MSG00001|P|2.5|", "ORU^R01^ORU_R01|MSG00001|P|2.5|", "AR", 200, "MSH-9.1")]
    [InlineData("ADT^A01^ADT_A01|MSG00001|P|2.5|", "ADT^A02^ADT_A02|MSG00001|P|2.5|", "AR", 201, "MSH-9.2")]
    [InlineData("ADT^A01^ADT_A01|MSG00001|P|2.5|", "ADT^A01^ADT_A01||P|2.5|", "AR", 101, "MSH-10")]
    [InlineData("ADT^A01^ADT_A01|MSG00001|P|2.5|", "ADT^A01^ADT_A01|MSG00001|X|2.5|", "AR", 202, "MSH-11")]
    [InlineData("ADT^A01^ADT_A01|MSG00001|P|2.5|", "ADT^A01^ADT_A01|MSG00001|P|3.0|", "AR", 203, "MSH-12")]
    [InlineData("|198808181126|", "|1988-08-18|", "AR", 102, "MSH-7")]
    [InlineData("|ADT1|GOOD HEALTH HOSPITAL|GHH LAB, INC.|GOOD HEALTH HOSPITAL|", "|ADT1|OTHER|GHH LAB, INC.|ELSEWHERE|", "AE", 204, "MSH-6")]
    [InlineData("EVN|A01|200708181123||\r", "", "AE", 100, "EVN")]
    [InlineData("EVN|A01|", "EVN|A03|", "AE", 103, "EVN-1")]
    [InlineData("PID|1||PATID1234^^^GOOD HEALTH HOSPITAL^MR~123456789^^^USSSA^SS||", "PID|1||||", "AE", 101, "PID-3")]
    [InlineData("PATID1234^^^GOOD HEALTH HOSPITAL^MR~", "PATID1234^^^GOOD HEALTH HOSPITAL^PI~", "AE", 101, "PID-3.5")]
    [InlineData("PATID1234^^^GOOD HEALTH HOSPITAL^MR~", "PATID1234^^^^MR~", "AE", 101, "PID-3.4")]
    [InlineData("PV1|1|I|", "PV1|1||", "AE", 101, "PV1-2")]
    [InlineData("PV1|1|I|", "PV1|1|Z|", "AE", 103, "PV1-2")]
    [InlineData("EVN|A01|200708181123||", "EVN|A01|yesterday||", "AE", 102, "EVN-2")]
    public void Read_BrokenA01_RefusesNamingField(string find, string replace, string ack, int condition, string location)
    {
        var text = Hl7TestData.Message("a01.hl7").Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(Hl7TestData.Message("a01.hl7"), text);

        var error = Assert.Throws<Hl7Exception>(() => AdtMapping.Read(Er7Parser.Parse(text), Practices, Now)).Error;

        Assert.Equal((ack, condition, location), (AckBuilder.Code(error.Ack), error.Condition, error.Location));
    }

    [Fact]
    public void Read_BadBirthDate_DoesNotQuoteIt()
    {
        var text = Hl7TestData.Message("a08.hl7").Replace("19610615", "19611315", StringComparison.Ordinal);

        var error = Assert.Throws<Hl7Exception>(() => AdtMapping.Read(Er7Parser.Parse(text), Practices, Now)).Error;

        Assert.Equal("PID-7", error.Location);
        Assert.DoesNotContain("19611315", error.ToString(), StringComparison.Ordinal);
    }
}
