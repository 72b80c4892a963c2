using CareWorkflows.Engine.Interop.Fhir;
using CareWorkflows.Engine.Runtime;
using static CareWorkflows.Tests.Interop.InteropData;

namespace CareWorkflows.Tests.Interop;

/// <summary>
/// Issue 4: FHIR R4 in. Synthea-style bundles of three patients (several years of encounters and observations)
/// give the facts, the events, and - through the real store with the shipped definitions - the tiers, programs and
/// workflows the rules assign.
/// </summary>
public sealed class FhirImportTests
{
    [Fact]
    public void ReadBundle_SyntheaBundles_TakesEveryEntryAndPassesOverOtherResourceTypes()
    {
        var importer = ReadSynthea();

        Assert.Empty(importer.Problems);
        Assert.Equal(0, importer.Refused);
        Assert.True(importer.Ignored > 0, "Claims are passed over");
        Assert.Equal(importer.Entries, importer.Taken + importer.Ignored);
    }

    [Fact]
    public void Derive_DiabeticWithRisingHbA1c_GivesConditionsLatestAndPreviousHbA1cAndEdCounts()
    {
        var facts = FhirDerivation.Derive(ReadSynthea(), "p1", Now, new FhirImportOptions()).Facts[Maria];

        Assert.Equal("diabetes,hypertension,hyperlipidemia", facts["conditions"]);
        Assert.Equal("9.6", facts["hba1c"]);
        Assert.Equal("9.1", facts["previous-hba1c"]);
        Assert.Equal("1", facts["ed-visits-6m"]);
        Assert.Equal("2", facts["ed-visits-12m"]);
        Assert.Equal("0", facts["admissions-12m"]);
        Assert.Equal("68", facts["age"]);
        Assert.Equal("false", facts["deceased"]);
        Assert.Equal("es", facts["language"]);
        Assert.Equal("146/92", facts["blood-pressure"]);
        Assert.Equal("1", facts["upcoming-appointments"]);
        Assert.Equal("Medicare", facts["payer"]);
    }

    [Fact]
    public void Derive_HeartFailurePatientWithAdmissions_CountsEdVisitsAndAdmissionsInTheirWindows()
    {
        var facts = FhirDerivation.Derive(ReadSynthea(), "p1", Now, new FhirImportOptions()).Facts[James];

        Assert.Equal("heart-failure,copd,hypertension,ckd,depression", facts["conditions"]);
        Assert.Equal("true", facts["behavioral-health-need"]);
        Assert.Equal("", facts["hba1c"]);
        Assert.Equal("2", facts["ed-visits-6m"]);
        Assert.Equal("2", facts["ed-visits-12m"]);
        Assert.Equal("1", facts["admissions-6m"]);
        Assert.Equal("2", facts["admissions-12m"]);
        Assert.Equal("77", facts["age"]);
    }

    [Fact]
    public void Derive_SyntheaBundles_ProducesDischargeEdVisitCompletedVisitAndAppointmentEvents()
    {
        var events = FhirDerivation.Derive(ReadSynthea(), "p1", Now, new FhirImportOptions()).Events;

        var maria = events.Where(e => e.PatientId == Maria).ToList();
        Assert.Equal(["patient.updated", "visit.completed", "appointment.scheduled"], maria.Select(e => e.Type));
        Assert.Equal("2026-11-12T10:00:00-05:00", DateTimeOffset.Parse(maria[1].Data["date"], System.Globalization.CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(-5)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Main Street Family Medicine", maria[2].Data["place"]);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 19, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(maria[2].Data["start"], System.Globalization.CultureInfo.InvariantCulture));

        var james = events.Where(e => e.PatientId == James).ToList();
        // In time order: the ED visit (and its discharge) on Nov 8, the follow-up booked on Nov 14 at 16:00 UTC,
        // the inpatient discharge at 16:30 UTC.
        Assert.Equal(["patient.updated", "ed.visit", "patient.discharged", "appointment.scheduled", "patient.discharged", "patient.updated"], james.Select(e => e.Type));
        var edVisit = james[1];
        Assert.Equal("emergency", edVisit.Data["setting"]);
        Assert.Equal("admitted", edVisit.Data["disposition"]);
        var inpatient = james.Single(e => e.Type == "patient.discharged" && e.Data["setting"] == "inpatient");
        Assert.Equal("home", inpatient.Data["disposition"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 14, 16, 30, 0, TimeSpan.Zero), DateTimeOffset.Parse(inpatient.Data["discharged-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(inpatient.At, DateTimeOffset.Parse(inpatient.Data["discharged-at"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("fhir:p1:Encounter/", inpatient.EventId, StringComparison.Ordinal);
        Assert.EndsWith(":patient.discharged", inpatient.EventId, StringComparison.Ordinal);

        // The ED visit sent as an event adds itself to the count when applied, so the first facts leave it out
        // and the last patient.updated sets the counts again.
        Assert.Equal("1", james[0].Data["ed-visits-6m"]);
        Assert.Equal("2", james[^1].Data["ed-visits-6m"]);

        var lena = Assert.Single(events, e => e.PatientId == Lena);
        Assert.Equal("patient.updated", lena.Type);
    }

    [Fact]
    public void Derive_SameDataTwice_GivesTheSameEventIds()
    {
        var first = FhirDerivation.Derive(ReadSynthea(), "p1", Now, new FhirImportOptions()).Events.Select(e => e.EventId);
        var second = FhirDerivation.Derive(ReadSynthea(), "p1", Now.AddMinutes(5), new FhirImportOptions()).Events.Select(e => e.EventId);

        Assert.Equal(first, second);
    }

    [Fact]
    public void Derive_EventIds_NameThePracticeSoTwoPracticesDoNotCollide()
    {
        var a = FhirDerivation.Derive(ReadSynthea(), "north", Now, new FhirImportOptions()).Events.Select(e => e.EventId);
        var b = FhirDerivation.Derive(ReadSynthea(), "south", Now, new FhirImportOptions()).Events.Select(e => e.EventId);

        Assert.Empty(a.Intersect(b));
    }

    [Fact]
    public void Derive_EventsAndProblems_CarryNoNamesPhonesAddressesOrRecordNumbers()
    {
        var importer = ReadSynthea();
        var text = string.Join('\n', FhirDerivation.Derive(importer, "p1", Now, new FhirImportOptions()).Events
            .Select(e => e.EventId + " " + string.Join(' ', e.Data.Select(d => d.Key + "=" + d.Value))));

        foreach (var secret in new[] { "Garcia394", "Maria726", "Wilson58", "555-301-4477", "Kessler", "MRN-", "1958-03-14" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReadNdjson_EncounterInTwoVersions_KeepsTheNewerWhateverTheOrder()
    {
        var result = FhirDerivation.Derive(await ReadNdjsonAsync(), "p1", Now, new FhirImportOptions());

        var events = result.Events.Where(e => e.PatientId == "p-2001").Select(e => e.Type).ToList();
        Assert.Equal(["patient.updated", "ed.visit", "patient.discharged", "patient.updated"], events);
        Assert.Equal("home", result.Events.First(e => e.Type == "ed.visit").Data["disposition"]);
    }

    [Fact]
    public async Task ReadNdjson_ConditionsAndFindings_MapsThroughCodeSetsAndSkipsEnteredInError()
    {
        var facts = FhirDerivation.Derive(await ReadNdjsonAsync(), "p1", Now, new FhirImportOptions()).Facts;

        Assert.Equal("diabetes", facts["p-2001"]["conditions"]);
        Assert.Equal("true", facts["p-2001"]["homeless"]);
        Assert.Equal("housing", facts["p-2001"]["social-needs"]);
        Assert.Equal("false", facts["p-2001"]["behavioral-health-need"]);
        Assert.Equal("7.7", facts["p-2001"]["hba1c"]);
        Assert.Equal("7.2", facts["p-2001"]["previous-hba1c"]);
        Assert.Equal("66", facts["p-2001"]["age"]);
        Assert.Equal("true", facts["p-2002"]["deceased"]);
        Assert.Equal("87", facts["p-2002"]["age"]);
    }

    [Fact]
    public async Task ReadNdjson_DeceasedPatientsInpatientDeath_IsADischargeWithDispositionExpired()
    {
        var events = FhirDerivation.Derive(await ReadNdjsonAsync(), "p1", Now, new FhirImportOptions()).Events;

        var discharge = Assert.Single(events, e => e.PatientId == "p-2002" && e.Type == "patient.discharged");
        Assert.Equal("expired", discharge.Data["disposition"]);
        Assert.Equal("inpatient", discharge.Data["setting"]);
    }

    [Fact]
    public void Derive_EncountersOlderThanTheRecentWindow_OnlyCountInFacts()
    {
        var events = FhirDerivation.Derive(ReadSynthea(), "p1", Now, new FhirImportOptions { RecentDays = 3 }).Events;

        Assert.DoesNotContain(events, e => e.Type is "patient.discharged" or "visit.completed" or "ed.visit");
        Assert.Contains(events, e => e.Type == "appointment.scheduled");
    }

    [Fact]
    public void ReadBundle_BrokenEntries_RefusesThemNamingEntryAndElementAndTakesTheOthers()
    {
        var importer = new FhirImporter(Codes);
        Assert.True(importer.ReadBundle(File.ReadAllBytes(BrokenCollection), "broken-collection.json"));

        Assert.Equal(7, importer.Entries);
        Assert.Equal(2, importer.Refused);
        Assert.Equal(4, importer.Taken);
        Assert.Equal(1, importer.Ignored);
        var status = Assert.Single(importer.Problems, p => p.Entry == "Bundle.entry[3]");
        Assert.Equal("Encounter.status", status.Element);
        Assert.Equal("Encounter/e-3001-bad", status.Resource);
        Assert.Contains("finishedd", status.Message, StringComparison.Ordinal);
        Assert.Equal("broken-collection.json: Bundle.entry[3] (Encounter/e-3001-bad), Encounter.status: " + status.Message, status.ToString());
        var subject = Assert.Single(importer.Problems, p => p.Entry == "Bundle.entry[5]");
        Assert.Equal("Observation.subject", subject.Element);

        var facts = FhirDerivation.Derive(importer, "p1", Now, new FhirImportOptions()).Facts["p-3001"];
        Assert.Equal("diabetes,copd", facts["conditions"]);
        Assert.Equal("9.4", facts["hba1c"]);
    }

    [Fact]
    public void Outcome_BrokenEntries_IsAnOperationOutcomeWithAnErrorIssueAndExpressionPerProblem()
    {
        var importer = new FhirImporter(Codes);
        importer.ReadBundle(File.ReadAllBytes(BrokenCollection), "");

        var outcome = FhirOutcome.Build(importer, null, null);

        var issue = Assert.Single(outcome.Issue, i => i.Expression.Contains("Bundle.entry[3].resource.status"));
        Assert.Equal(Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Error, issue.Severity);
        Assert.StartsWith("Bundle.entry[3] (Encounter/e-3001-bad): Encounter.status:", issue.Diagnostics, StringComparison.Ordinal);
        Assert.Contains(outcome.Issue, i => i.Expression.Contains("Bundle.entry[5].resource.subject"));
        Assert.Contains(outcome.Issue, i => i.Severity == Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Information && i.Diagnostics?.StartsWith("Took 4 of 7 entries", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"x"}""", "is not a Bundle")]
    [InlineData("""{"resourceType":"Bundle","type":"document","entry":[]}""", "'document' is not read")]
    [InlineData("""{"resourceType":"Bundle","type":"collection",""", "not valid JSON")]
    public void ReadBundle_NotAnImportableBundle_ReturnsFalseSayingWhy(string json, string expected)
    {
        var importer = new FhirImporter(Codes);

        Assert.False(importer.ReadBundle(System.Text.Encoding.UTF8.GetBytes(json), "body"));
        Assert.Contains(expected, Assert.Single(importer.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBundle_BadPatientBirthDate_RefusesWithoutShowingTheDate()
    {
        var importer = new FhirImporter(Codes);
        importer.ReadBundle("""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p9","birthDate":"1950-02-30"}}]}"""u8.ToArray(), "body");

        var problem = Assert.Single(importer.Problems);
        Assert.Equal("Patient.birthDate", problem.Element);
        Assert.DoesNotContain("1950", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadBundle_HbA1cInMmolPerMol_RefusesNamingTheUnit()
    {
        var importer = new FhirImporter(Codes);
        importer.ReadBundle("""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","id":"o1","status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/p9"},
             "effectiveDateTime":"2026-01-01","valueQuantity":{"value":64,"unit":"mmol/mol"}}}]}
            """u8.ToArray(), "body");

        var problem = Assert.Single(importer.Problems);
        Assert.Equal("Observation.valueQuantity.unit", problem.Element);
        Assert.Equal(1, importer.Refused);
    }

    [Fact]
    public async Task Apply_SyntheaBundles_AssignsTiersAndProgramsAndStartsTransitionOfCare()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        var result = FhirDerivation.Derive(ReadSynthea(), "demo", Now, new FhirImportOptions());

        var applied = await store.ApplyAsync(result.Events);

        Assert.Equal(result.Events.Count, applied.Applied);
        Assert.Equal(0, applied.Failed);

        var maria = (await store.Queries.PatientAsync("demo", Maria, CancellationToken.None))!;
        Assert.Equal("high", maria.Patient.Facts.Tier);
        Assert.Equal(["ccm", "diabetes", "diabetes-high-risk"], maria.Patient.Facts.Programs.Order(StringComparer.Ordinal));
        Assert.Equal(9.6m, maria.Patient.Facts.Hba1c);
        Assert.Contains(maria.Instances, i => i.WorkflowId == "dm-visit");
        Assert.Contains(maria.Instances, i => i.WorkflowId == "dm-pre-visit");

        var james = (await store.Queries.PatientAsync("demo", James, CancellationToken.None))!;
        Assert.Equal("high", james.Patient.Facts.Tier);
        Assert.Equal(["ccm"], james.Patient.Facts.Programs);
        Assert.Equal(2, james.Patient.Facts.EdVisits6m);
        Assert.Equal(2, james.Patient.Facts.Admissions12m);
        var toc = Assert.Single(james.Instances, i => i.WorkflowId == "transition-of-care");
        Assert.Equal(InstanceStatus.Running, toc.Status);
        Assert.DoesNotContain(james.Instances, i => i.WorkflowId == "ed-visit-follow-up");

        var lena = (await store.Queries.PatientAsync("demo", Lena, CancellationToken.None))!;
        Assert.Equal("low", lena.Patient.Facts.Tier);
        Assert.Equal(["health-coach"], lena.Patient.Facts.Programs);

        var timeline = await store.Queries.TimelineAsync("demo", James, 1000, CancellationToken.None);
        // One enrollment change: the facts (admission in the last 12 months) make James high risk; the ED visit that
        // follows keeps him there (frequent ED use), so nothing changes again.
        var enrollment = Assert.Single(timeline, t => t.Type == WorkflowEvent.EnrollmentChanged);
        Assert.Equal("recent-admission", enrollment.Reason);
        Assert.Contains(timeline, t => t.Type == "instance.started" && t.Workflow == "transition-of-care");
    }

    [Fact]
    public async Task Apply_SameBundlesTwice_SecondTimeOnlyDuplicates()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        var first = await store.ApplyAsync(FhirDerivation.Derive(ReadSynthea(), "demo", Now, new FhirImportOptions()).Events);

        var second = await store.ApplyAsync(FhirDerivation.Derive(ReadSynthea(), "demo", Now.AddHours(1), new FhirImportOptions()).Events);

        Assert.True(first.Applied > 0);
        Assert.Equal(0, second.Applied);
        Assert.Equal(first.Total, second.Duplicates);
        var james = (await store.Queries.PatientAsync("demo", James, CancellationToken.None))!;
        Assert.Equal(2, james.Patient.Facts.EdVisits6m);
        Assert.Single(james.Instances, i => i.WorkflowId == "transition-of-care");
    }

    [Fact]
    public async Task Apply_LaterImportWithNewFactsAndTheSameEdVisit_KeepsTheEdCountsRight()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        await store.ApplyAsync(FhirDerivation.Derive(ReadSynthea(), "demo", Now, new FhirImportOptions()).Events);

        // The same record plus a new HbA1c: new facts, while the ED visit event is a duplicate and adds nothing.
        var importer = ReadSynthea();
        importer.ReadBundle(System.Text.Encoding.UTF8.GetBytes("""
            {"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Observation","id":"a1c-new","status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"4548-4"}]},"subject":{"reference":"Patient/JAMES"},
             "effectiveDateTime":"2026-11-19T09:00:00Z","valueQuantity":{"value":6.9,"unit":"%"}}}]}
            """.Replace("JAMES", James, StringComparison.Ordinal)), "new-lab.json");
        var again = await store.ApplyAsync(FhirDerivation.Derive(importer, "demo", Now.AddDays(1), new FhirImportOptions()).Events);

        Assert.Equal(2, again.Applied);
        var james = (await store.Queries.PatientAsync("demo", James, CancellationToken.None))!;
        Assert.Equal(6.9m, james.Patient.Facts.Hba1c);
        Assert.Equal(2, james.Patient.Facts.EdVisits6m);
        Assert.Equal(2, james.Patient.Facts.EdVisits12m);
    }

    [Fact]
    public async Task Apply_NewVersionThatChangesOnlyMeta_IsADuplicate()
    {
        await using var store = await InteropStore.CreateAsync(Now);
        var importer = await ReadNdjsonAsync();
        await store.ApplyAsync(FhirDerivation.Derive(importer, "demo", Now, new FhirImportOptions()).Events);

        // The same encounter again as version 3: same status, period and disposition.
        var newer = new FhirImporter(Codes);
        var line = File.ReadLines(Path.Join(Ndjson, "Encounter.ndjson")).First().Replace("\"versionId\":\"2\"", "\"versionId\":\"3\"", StringComparison.Ordinal);
        await newer.ReadNdjsonAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(line)), "Encounter.ndjson", CancellationToken.None);
        var again = await store.ApplyAsync(FhirDerivation.Derive(newer, "demo", Now, new FhirImportOptions()).Events);

        Assert.Equal(0, again.Applied);
        Assert.Equal(2, again.Duplicates);
    }

    [Fact]
    public async Task Apply_NewPatientWithRecentEdVisit_EdCountsEndRightAfterTheEdVisitEvent()
    {
        await using var store = await InteropStore.CreateAsync(Now);

        await store.ApplyAsync(FhirDerivation.Derive(await ReadNdjsonAsync(), "demo", Now, new FhirImportOptions()).Events);

        var patient = (await store.Queries.PatientAsync("demo", "p-2001", CancellationToken.None))!;
        Assert.Equal(1, patient.Patient.Facts.EdVisits6m);
        Assert.Equal(1, patient.Patient.Facts.EdVisits12m);
        Assert.True(patient.Patient.Facts.Homeless);
        Assert.Equal("high", patient.Patient.Facts.Tier);
        var deceased = (await store.Queries.PatientAsync("demo", "p-2002", CancellationToken.None))!;
        Assert.True(deceased.Patient.Facts.Deceased);
        Assert.DoesNotContain(deceased.Instances, i => i.WorkflowId == "transition-of-care");
    }
}
