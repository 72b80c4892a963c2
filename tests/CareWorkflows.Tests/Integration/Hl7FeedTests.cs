using System.Net;
using System.Text;
using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Issue 6: a hospital's HL7 v2 ADT feed into the real careflow process, over real TCP (MLLP) and a drop folder.
/// Patients are registered with their MRNs through the FHIR import; the practice is named by MSH-6 through
/// practice.yaml's hl7.facilities.
/// </summary>
[Trait("Category", "Integration")]
public sealed class Hl7FeedTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "lakeside";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Mllp_MalformedMessages_EachAnsweredAeOrArAtTheFieldAndTheListenerStillServes()
    {
        var (careflow, port) = await StartWithPatientsAsync();
        await using var client = await MllpClient.ConnectAsync(port);
        var good = AdtMessages.Adt("A03", "bad-0", "E4421");
        var cases = new (string Name, string Message, string Code, string Location, string Condition)[]
        {
            ("not HL7", "HELLO WORLD\r", "AR", "", "100"),
            ("bad encoding characters", good.Replace("MSH|^~\\&|", "MSH|^~^&|", StringComparison.Ordinal), "AR", "MSH^1^2", "102"),
            ("not ADT", AdtMessages.Adt("R01", "bad-2", "E4421", messageType: "ORU"), "AR", "MSH^1^9^1^1", "200"),
            ("A02 not taken", AdtMessages.Adt("A02", "bad-3", "E4421"), "AR", "MSH^1^9^1^2", "201"),
            ("no control id", AdtMessages.Adt("A03", "", "E4421"), "AR", "MSH^1^10", "101"),
            ("version 3", AdtMessages.Adt("A03", "bad-5", "E4421", version: "3.0"), "AR", "MSH^1^12", "203"),
            ("unknown facility", AdtMessages.Adt("A03", "bad-6", "E4421", facility: "ELSEWHERE").Replace("|MERCY|", "|OTHER|", StringComparison.Ordinal), "AE", "MSH^1^6", "204"),
            ("no PID-3", AdtMessages.Adt("A03", "bad-7", "E4421").Replace($"E4421^^^MERCY&{AdtMessages.MercyOid}&ISO^MR~900112222^^^USSSA^SS", "", StringComparison.Ordinal), "AE", "PID^1^3", "101"),
            ("no MR in PID-3", AdtMessages.Adt("A03", "bad-8", "E4421", pid3: "900112222^^^USSSA^SS"), "AE", "PID^1^3^1^5", "101"),
            ("unknown MRN", AdtMessages.Adt("A03", "bad-9", "X0000"), "AE", "PID^1^3", "204"),
            ("bad patient class", AdtMessages.Adt("A03", "bad-10", "E4421", patientClass: "Z"), "AE", "PV1^1^2", "103"),
            ("bad escape", AdtMessages.Adt("A03", "bad-11", "E4421").Replace("TESTPATIENT^RUTH", "TEST\\Q\\^RUTH", StringComparison.Ordinal), "AE", "PID^1^5^1^1", "102"),
            ("no PV1", string.Join('\r', AdtMessages.Adt("A03", "bad-12", "E4421").Split('\r').Where(s => !s.StartsWith("PV1", StringComparison.Ordinal))), "AE", "PV1^1", "100"),
            ("bad discharge time", AdtMessages.Adt("A03", "bad-13", "E4421", dischargedAt: "2026-11-20"), "AE", "PV1^1^45", "102"),
        };

        foreach (var (name, message, code, location, condition) in cases)
        {
            var ack = await client.SendAsync(message);
            Assert.True((code, location, condition) == (ack.Code, ack.ErrorLocation, ack.ErrorCode), $"{name}: expected {code} at '{location}' ({condition}), got {ack.Raw}");
            Assert.True(ack.ErrorText.Length > 20, $"{name}: ERR-8 says what is wrong: {ack.Raw}");
            if (location.Length > 0)
            {
                Assert.StartsWith(location.Split('^')[0], ack.Text, StringComparison.Ordinal);
            }
        }

        // Still serving, on the same connection: a good discharge is applied and starts the transition of care.
        var accepted = await client.SendAsync(good);
        Assert.Equal(("AA", "bad-0"), (accepted.Code, accepted.ControlId));
        var contact = Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-ruth&status=all"), t => t.StepId == "contact");
        Assert.Equal(("tcm-fast", "care-manager"), (contact.WorkflowId, contact.Role));
        Assert.Single(await careflow.Client.TimelineAsync(Practice, "pt-ruth"), e => e.Type == "instance.started" && e.Workflow == "tcm-fast");

        // And on a new connection.
        await using var second = await MllpClient.ConnectAsync(port);
        Assert.Equal("AA", (await second.SendAsync(AdtMessages.Adt("A08", "upd-1", "E4421"))).Code);

        // Every refused message is kept for review: the practice's with their text, the others without.
        var rejected = await CareflowApi.ReadAsync<List<RejectedView>>(await careflow.Client.GetAsync(new Uri($"api/practices/{Practice}/hl7/rejected", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Contains(rejected, r => r.ControlId == "bad-9" && r.Ack == "AE" && r.Location == "PID-3" && r.Condition == 204 && r.Message!.Contains("X0000", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.ControlId == "bad-3" && r.Ack == "AR" && r.Location == "MSH-9.2");
        var unattributed = await CareflowApi.ReadAsync<List<RejectedView>>(await careflow.Client.GetAsync(new Uri("api/hl7/rejected", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Contains(unattributed, r => r.ControlId == "bad-6" && r.Location == "MSH-6" && r.Message is null);
        Assert.Contains(unattributed, r => r.Location == "message" && r.Ack == "AR" && r.Message is null);
        Assert.DoesNotContain("E4421", careflow.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("TESTPATIENT", careflow.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mllp_SameMessageTwice_AnsweredAaTwiceWithOneEffect()
    {
        var (careflow, port) = await StartWithPatientsAsync();
        await using var client = await MllpClient.ConnectAsync(port);
        var discharge = AdtMessages.Adt("A03", "dup-1", "E5000");

        var first = await client.SendAsync(discharge);
        var again = await client.SendAsync(discharge);

        Assert.Equal(("AA", "AA"), (first.Code, again.Code));
        Assert.Contains("applied before", again.Text, StringComparison.Ordinal);
        Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-omar&status=all"), t => t.StepId == "contact");
        Assert.Single(await careflow.Client.TimelineAsync(Practice, "pt-omar"), e => e.Type == "instance.started");
    }

    [Fact]
    public async Task Mllp_ConcurrentConnectionsSendingGarbageThenGoodMessage_EachGetsBothAnswers()
    {
        var (careflow, port) = await StartWithPatientsAsync();

        var answers = await Task.WhenAll(Enumerable.Range(1, 12).Select(async n =>
        {
            await using var client = await MllpClient.ConnectAsync(port);
            await client.WriteAsync(Encoding.ASCII.GetBytes($"garbage {n} \x01\x02\r\n"));
            await client.WriteAsync([0x0B, .. Encoding.ASCII.GetBytes("MSH|^~\\&|cut short"), 0x0B]);
            var good = AdtMessages.Adt("A04", $"arrive-{n}", n % 2 == 0 ? "E4421" : "E5000", patientClass: n % 3 == 0 ? "E" : "O");
            await client.WriteAsync([.. Encoding.UTF8.GetBytes(good), 0x1C, 0x0D]);
            return (await client.ReadAckAsync(), await client.ReadAckAsync(), await client.ReadAckAsync());
        }));

        foreach (var (garbage, cut, good) in answers)
        {
            Assert.Equal(("AR", "AR", "AA"), (garbage.Code, cut.Code, good.Code));
        }

        // Connections 3, 6, 9 and 12 registered ED visits (PV1-2 E): two for each patient; the others outpatient arrivals.
        Assert.Equal("2", (await careflow.Client.PatientAsync(Practice, "pt-ruth")).Facts["ed-visits-6m"]);
        Assert.Equal("2", (await careflow.Client.PatientAsync(Practice, "pt-omar")).Facts["ed-visits-6m"]);
    }

    [Fact]
    public async Task DropFolder_FilesAreAnsweredAndMovedToProcessedOrRejected()
    {
        var drop = Path.Join(Workspace.Root, "hl7-in");
        var (careflow, _) = await StartWithPatientsAsync("--hl7-drop", drop);

        // A file of two plain messages, one good and one without PID-3; and an MLLP-framed file of one discharge.
        var mixed = AdtMessages.Adt("A01", "file-1", "E4421") + AdtMessages.Adt("A01", "file-2", "E4421").Replace($"E4421^^^MERCY&{AdtMessages.MercyOid}&ISO^MR~900112222^^^USSSA^SS", "", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Join(drop, "mixed.hl7"), mixed.Replace("\r", "\r\n", StringComparison.Ordinal));
        await File.WriteAllBytesAsync(Path.Join(drop, "framed.hl7"), [0x0B, .. Encoding.UTF8.GetBytes(AdtMessages.Adt("A03", "file-3", "E5000")), 0x1C, 0x0D]);

        var rejected = Path.Join(drop, "rejected", "mixed.hl7");
        var processed = Path.Join(drop, "processed", "framed.hl7");
        await CareflowApi.PollAsync(() => Task.FromResult(File.Exists(rejected + ".ack") && File.Exists(processed + ".ack")), done => done, Timeout,
            "both drop files moved with their ACKs");

        Assert.False(File.Exists(Path.Join(drop, "mixed.hl7")));
        Assert.True(File.Exists(rejected));
        var acks = (await File.ReadAllTextAsync(rejected + ".ack")).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Select(AckView.Parse).ToList();
        Assert.Equal([("AA", "file-1"), ("AE", "file-2")], acks.Select(a => (a.Code, a.ControlId)));
        Assert.Equal("PID^1^3", acks[1].ErrorLocation);
        Assert.Contains("message 2: AE segment 3 (PID), PID-3:", await File.ReadAllTextAsync(rejected + ".error"), StringComparison.Ordinal);
        Assert.Equal("AA", AckView.Parse((await File.ReadAllTextAsync(processed + ".ack")).Trim()).Code);
        Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-omar&status=all"), t => t.StepId == "contact");
        Assert.Equal("1", (await careflow.Client.PatientAsync(Practice, "pt-ruth")).Facts["admissions-6m"]);

        // The same file dropped again: answered AA (applied before), nothing done twice.
        await File.WriteAllBytesAsync(Path.Join(drop, "framed.hl7"), [0x0B, .. Encoding.UTF8.GetBytes(AdtMessages.Adt("A03", "file-3", "E5000")), 0x1C, 0x0D]);
        await CareflowApi.PollAsync(() => Task.FromResult(File.Exists(Path.Join(drop, "processed", "framed-2.hl7.ack"))), done => done, Timeout, "the second drop moved as framed-2.hl7");
        Assert.Contains("applied before", AckView.Parse((await File.ReadAllTextAsync(Path.Join(drop, "processed", "framed-2.hl7.ack"))).Trim()).Text, StringComparison.Ordinal);
        Assert.Single(await careflow.Client.TasksAsync(Practice, "patient=pt-omar&status=all"), t => t.StepId == "contact");
    }

    /// <summary>Starts careflow with the MLLP listener and practice 'lakeside', and imports two patients with their MRNs.</summary>
    private async Task<(CareflowProcess Process, int Port)> StartWithPatientsAsync(params string[] more)
    {
        var folder = Path.Join(Workspace.Workflows, "practices", Practice);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Join(folder, "practice.yaml"), """
            practice: lakeside
            name: Lakeside Family Medicine (HL7 tests)
            timezone: America/Chicago
            hl7:
              facilities: [LAKESIDE]
            """);
        var port = LoopbackPort.Free();
        var careflow = await StartAsync(["--mllp-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. more]);
        Assert.Contains($"HL7 MLLP:    127.0.0.1:{port}", careflow.Output, StringComparison.Ordinal);

        using var content = new StringContent($$$"""
            {"resourceType": "Bundle", "type": "collection", "entry": [
              {"resource": {"resourceType": "Patient", "id": "pt-ruth", "birthDate": "1950-04-12", "identifier": [
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "system": "urn:oid:{{{AdtMessages.MercyOid}}}", "value": "E4421"}]}},
              {"resource": {"resourceType": "Patient", "id": "pt-omar", "birthDate": "1961-02-03", "identifier": [
                {"type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]}, "system": "MERCY", "value": "E5000"},
                {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-00-1111"}]}}
            ]}
            """, Encoding.UTF8, "application/fhir+json");
        using var response = await careflow.Client.PostAsync(new Uri($"api/practices/{Practice}/fhir", UriKind.Relative), content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (careflow, port);
    }

    private sealed record RejectedView(long Id, string Source, string? ControlId, string? MessageType, string Ack, int Condition, string Location, string Error, string? Message);
}
