using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CareWorkflows.Tests.Integration;
using Hl7.Fhir.Serialization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using R4 = Hl7.Fhir.Model;

namespace CareWorkflows.Tests.Audit;

/// <summary>
/// Issue 7: every read or write of patient data leaves an audit entry (who, role, practice, patients, action, when,
/// request id, outcome), refused attempts included; admins query it and export it as FHIR AuditEvent; nobody can
/// change it afterwards. Through the real careflow process.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AuditTrailTests(ITestOutputHelper output) : CareflowProcessTest(output)
{
    private const string Practice = "p-audit";

    private sealed record AuditView(long Id, DateTimeOffset At, string Actor, string ActorName, string Role, string? PracticeId, string Action, string Method, string Path, string RequestId, int Status, IReadOnlyList<string> PatientIds);

    [Fact]
    public async Task PatientDataRequests_AreAudited_QueryableAndExportedAsFhirAuditEvents()
    {
        var careflow = await StartAsync();
        var key = await CareflowCli.CreateKeyAsync(Workspace.Data, "--role", "care-team", "--practice", Practice, "--name", "cm-2 desk");
        using var careTeam = new HttpClient { BaseAddress = careflow.BaseAddress };
        careTeam.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        await careTeam.SubmitAsync(Practice,
            new EventPost { Id = "au-1", Type = "patient.discharged", Patient = "pt-a1", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } },
            new EventPost { Id = "au-2", Type = "patient.discharged", Patient = "pt-a2", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });
        await careTeam.TasksAsync(Practice);
        await careTeam.PatientAsync(Practice, "pt-a1");
        using var refused = await careTeam.GetAsync(new Uri("api/practices/p-other/patients/pt-a1", UriKind.Relative));

        var forPatient = await AuditAsync(careflow.Client, $"api/audit?practice={Practice}&patient=pt-a1");
        var refusedEntries = await AuditAsync(careflow.Client, "api/audit?practice=p-other");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(["PostEvents", "ListTasks", "GetPatient"], forPatient.Select(e => e.Action));
        Assert.All(forPatient, e =>
        {
            Assert.Equal($"key:{key.Split('_')[1]}", e.Actor);
            Assert.Equal("cm-2 desk", e.ActorName);
            Assert.Equal("care-team", e.Role);
            Assert.Equal(Practice, e.PracticeId);
            Assert.Equal(200, e.Status);
            Assert.False(string.IsNullOrEmpty(e.RequestId));
            Assert.True(e.At > CareflowApi.Now.AddMinutes(-5));
        });
        Assert.Equal(["pt-a1", "pt-a2"], forPatient[0].PatientIds);
        var attempt = Assert.Single(refusedEntries);
        Assert.Equal((403, "GetPatient", "pt-a1"), (attempt.Status, attempt.Action, Assert.Single(attempt.PatientIds)));

        // FHIR R4 AuditEvent, one a line.
        using var ndjson = await careflow.Client.GetAsync(new Uri($"api/audit/fhir?practice={Practice}&patient=pt-a1", UriKind.Relative));
        Assert.Equal("application/fhir+ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var events = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => new FhirJsonDeserializer().Deserialize<R4.AuditEvent>(line)!).ToList();
        Assert.Equal(3, events.Count);
        Assert.Equal(R4.AuditEvent.AuditEventAction.E, events[0].Action);
        Assert.Equal(R4.AuditEvent.AuditEventAction.R, events[2].Action);
        Assert.All(events, e =>
        {
            Assert.Equal(R4.AuditEvent.AuditEventOutcome.N0, e.Outcome);
            Assert.Equal($"key:{key.Split('_')[1]}", e.Agent[0].Who?.Identifier?.Value);
            Assert.Equal("care-team", e.Agent[0].Role[0].Coding[0].Code);
            Assert.Equal(Practice, e.Source.Site);
            Assert.Contains(e.Entity, entity => entity.What?.Reference == "Patient/pt-a1");
        });

        using var bundle = await careflow.Client.GetAsync(new Uri($"api/audit/fhir?practice={Practice}&format=bundle", UriKind.Relative));
        var parsed = new FhirJsonDeserializer().Deserialize<R4.Bundle>(await bundle.Content.ReadAsStringAsync())!;
        Assert.True(parsed.Entry.Count >= 3);
        Assert.All(parsed.Entry, entry => Assert.IsType<R4.AuditEvent>(entry.Resource));
    }

    [Fact]
    public async Task AuditEvents_AreAppendOnly_InTheDatabaseItself()
    {
        var careflow = await StartAsync();
        await careflow.Client.TasksAsync(Practice);
        await careflow.Client.SubmitAsync(Practice, new EventPost { Id = "ao-1", Type = "patient.discharged", Patient = "pt-ao", Data = new Dictionary<string, string> { ["setting"] = "inpatient" } });

        await using var connection = new SqliteConnection($"Data Source={Workspace.Database};Pooling=False");
        await connection.OpenAsync();
        foreach (var sql in new[] { "UPDATE audit_events SET Status = 200", "DELETE FROM audit_events", "DELETE FROM audit_event_patients" })
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The test's own constant statements.
            command.CommandText = sql;
#pragma warning restore CA2100
            var refusal = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains("append-only", refusal.Message, StringComparison.Ordinal);
        }
    }

    private static async Task<IReadOnlyList<AuditView>> AuditAsync(HttpClient admin, string url)
    {
        using var response = await admin.GetAsync(new Uri(url, UriKind.Relative));
        return await CareflowApi.ReadAsync<List<AuditView>>(response, HttpStatusCode.OK);
    }
}
