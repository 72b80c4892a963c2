using System.Globalization;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Interop.Fhir;

/// <summary>How imported FHIR data turns into events.</summary>
internal sealed record FhirImportOptions
{
    /// <summary>
    /// Encounters that ended at most this many days before the import produce events (patient.discharged,
    /// ed.visit, visit.completed); older ones only count in the facts. Default 30 days, the TCM period.
    /// </summary>
    public int RecentDays { get; init; } = 30;
}

/// <summary>What an import read and the events it produced, in the order to apply them.</summary>
internal sealed record FhirImportResult
{
    /// <summary>The events: per patient, patient.updated first, then the clinical events in time order.</summary>
    public required IReadOnlyList<WorkflowEvent> Events { get; init; }

    /// <summary>The facts sent for each patient whose Patient resource was imported (kebab-case names, docs/facts.md).</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Facts { get; init; }

    /// <summary>Patients with at least one event.</summary>
    public int Patients { get; init; }

    /// <summary>The medical record numbers of the imported patients, for the identifier table.</summary>
    public IReadOnlyList<Persistence.PatientIdentifier> Identifiers { get; init; } = [];
}

/// <summary>
/// Derives facts and events from the records of one import, relative to the time of the import:
/// chronic conditions (active diagnoses through the code sets), latest and previous HbA1c, ED visits and inpatient
/// admissions in the last 6 and 12 months, age, deceased, language, upcoming appointments; recent discharges,
/// ED visits and completed visits, and future appointments, as events with ids that make re-imports idempotent.
/// </summary>
internal static class FhirDerivation
{
    private const string Prefix = "fhir";
    private static readonly string[] Uncounted = ["planned", "cancelled", "entered-in-error"];
    private static readonly string[] Upcoming = ["booked", "pending", "proposed"];
    private static readonly string[] Stays = [FhirSettings.Inpatient, FhirSettings.Emergency, FhirSettings.Observation];
    private static readonly string[] Visits = [FhirSettings.Ambulatory, FhirSettings.Virtual];

    /// <summary>The facts and events of everything <paramref name="importer"/> read.</summary>
    public static FhirImportResult Derive(FhirImporter importer, string practiceId, DateTimeOffset now, FhirImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(importer);
        ArgumentNullException.ThrowIfNull(options);
        var byPatient = importer.Records.GroupBy(r => r.PatientId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var events = new List<WorkflowEvent>();
        var facts = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var patients = 0;
        foreach (var patientId in importer.PatientOrder)
        {
            var records = byPatient[patientId];
            var clinical = ClinicalEvents(records, practiceId, patientId, now, options).OrderBy(e => e.At).ToList();
            var patientEvents = new List<WorkflowEvent>();
            if (records.OfType<FhirPatient>().FirstOrDefault() is { } patient)
            {
                var data = Facts(patient, records, importer.Codes, now);
                facts[patientId] = data;

                // ed.visit events add one to the ED counts each when applied, so the facts count the others only;
                // a last patient.updated sets the counts again, in case some ed.visit had been applied before. Its id
                // depends on the first one's, so it is applied again whenever the first one is.
                var edEvents = clinical.Where(e => e.Type == "ed.visit").ToList();
                var sent = new Dictionary<string, string>(data, StringComparer.Ordinal);
                if (edEvents.Count > 0)
                {
                    sent["ed-visits-6m"] = Count(Math.Max(0, int.Parse(data["ed-visits-6m"], CultureInfo.InvariantCulture) - edEvents.Count(e => e.At > now.AddMonths(-6))));
                    sent["ed-visits-12m"] = Count(Math.Max(0, int.Parse(data["ed-visits-12m"], CultureInfo.InvariantCulture) - edEvents.Count(e => e.At > now.AddMonths(-12))));
                }

                var first = ImportEvents.Create(Prefix, practiceId, patientId, patient.Key, ImportEvents.PatientUpdated, now, sent);
                patientEvents.Add(first);
                patientEvents.AddRange(clinical);
                if (edEvents.Count > 0)
                {
                    var counts = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["ed-visits-6m"] = data["ed-visits-6m"],
                        ["ed-visits-12m"] = data["ed-visits-12m"],
                    };
                    patientEvents.Add(ImportEvents.Create(Prefix, practiceId, patientId, patient.Key, ImportEvents.PatientUpdated, now, counts,
                        variant: "ed-visits", salt: string.Join('\n', edEvents.Select(e => e.EventId).Prepend(first.EventId))));
                }
            }
            else
            {
                patientEvents.AddRange(clinical);
            }

            if (patientEvents.Count > 0)
            {
                patients++;
                events.AddRange(patientEvents);
            }
        }

        var identifiers = importer.Records.OfType<FhirPatient>().SelectMany(p => p.Identifiers).ToList();
        return new FhirImportResult { Events = events, Facts = facts, Patients = patients, Identifiers = identifiers };
    }

    private static Dictionary<string, string> Facts(FhirPatient patient, List<FhirRecord> records, CodeSets codes, DateTimeOffset now)
    {
        var matched = records.OfType<FhirCondition>().Where(c => c.Active).SelectMany(c => c.Matches).Distinct().ToList();
        var conditions = codes.ConditionIds.Where(id => matched.Any(m => m.Kind == CodeKind.Condition && m.Id == id)).ToList();
        var needs = codes.Entries.Where(e => e.Kind == CodeKind.SocialNeed && matched.Contains(e)).Select(e => e.Id).ToList();
        var hba1c = records.OfType<FhirObservation>().Where(o => o.Hba1c is not null).OrderByDescending(o => o.At).ThenBy(o => o.Key, StringComparer.Ordinal).ToList();
        var pressure = records.OfType<FhirObservation>().Where(o => o.Systolic is not null || o.Diastolic is not null)
            .GroupBy(o => o.At).Select(g => (At: g.Key, Systolic: g.Select(o => o.Systolic).FirstOrDefault(v => v is not null), Diastolic: g.Select(o => o.Diastolic).FirstOrDefault(v => v is not null)))
            .Where(p => p.Systolic is not null && p.Diastolic is not null).OrderByDescending(p => p.At).FirstOrDefault();
        var encounters = records.OfType<FhirEncounter>().Where(e => !Uncounted.Contains(e.Status)).ToList();
        var appointments = records.OfType<FhirAppointment>().Where(a => Upcoming.Contains(a.Status) && a.Start > now).OrderBy(a => a.Start).ToList();
        var payer = records.OfType<FhirCoverage>().Where(c => c.Status == "active").Select(c => c.Payer).FirstOrDefault(p => p is not null);

        var data = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["conditions"] = string.Join(',', conditions),
            ["behavioral-health-need"] = Flag(matched.Any(m => m.Kind == CodeKind.Condition && m.BehavioralHealth)),
            ["social-needs"] = string.Join(',', needs),
            ["homeless"] = Flag(matched.Any(m => m.Homeless)),
            ["hba1c"] = hba1c.Count > 0 ? Number(hba1c[0].Hba1c!.Value) : "",
            ["previous-hba1c"] = hba1c.Count > 1 ? Number(hba1c[1].Hba1c!.Value) : "",
            ["ed-visits-6m"] = Count(InWindow(encounters, FhirSettings.Emergency, now, 6)),
            ["ed-visits-12m"] = Count(InWindow(encounters, FhirSettings.Emergency, now, 12)),
            ["admissions-6m"] = Count(InWindow(encounters, FhirSettings.Inpatient, now, 6)),
            ["admissions-12m"] = Count(InWindow(encounters, FhirSettings.Inpatient, now, 12)),
            ["deceased"] = Flag(patient.Deceased),
            ["upcoming-appointments"] = Count(appointments.Count),
        };
        if (patient.BirthDate is { } born)
        {
            data["age"] = Count(Age(born, DateOnly.FromDateTime(now.UtcDateTime)));
        }

        if (patient.Language is { } language)
        {
            data["language"] = language;
        }

        if (hba1c.Count > 0)
        {
            data["hba1c-date"] = ImportEvents.Iso(hba1c[0].At);
        }

        if (pressure.Systolic is { } systolic && pressure.Diastolic is { } diastolic)
        {
            data["blood-pressure"] = $"{Number(systolic)}/{Number(diastolic)}";
            data["blood-pressure-date"] = ImportEvents.Iso(pressure.At);
        }

        if (appointments.Count > 0)
        {
            data["next-appointment"] = ImportEvents.Iso(appointments[0].Start!.Value);
        }

        if (payer is not null)
        {
            data["payer"] = payer;
        }

        return data;
    }

    private static IEnumerable<WorkflowEvent> ClinicalEvents(List<FhirRecord> records, string practiceId, string patientId, DateTimeOffset now, FhirImportOptions options)
    {
        var cutoff = now.AddDays(-options.RecentDays);
        var encounters = records.OfType<FhirEncounter>().Where(e => !Uncounted.Contains(e.Status)).ToList();
        foreach (var encounter in encounters.Where(e => e.Status == "finished"))
        {
            var record = $"Encounter/{encounter.Id}";
            if (Stays.Contains(encounter.Setting) && encounter.End is { } end && end >= cutoff)
            {
                var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["setting"] = encounter.Setting, ["discharged-at"] = ImportEvents.Iso(end) };
                if (encounter.Setting == FhirSettings.Emergency && AdmittedAfter(encounters, end))
                {
                    // An ED visit that ends in an admission: the inpatient stay's discharge starts the transition of care.
                    data["disposition"] = "admitted";
                }
                else if (encounter.Disposition is { } disposition)
                {
                    data["disposition"] = disposition;
                }

                if (encounter.Setting == FhirSettings.Emergency)
                {
                    var visit = new Dictionary<string, string>(data, StringComparer.Ordinal) { ["date"] = ImportEvents.Iso(encounter.Start ?? end) };
                    yield return ImportEvents.Create(Prefix, practiceId, patientId, record, "ed.visit", end, visit);
                }

                yield return ImportEvents.Create(Prefix, practiceId, patientId, record, "patient.discharged", end, data);
            }
            else if (Visits.Contains(encounter.Setting) && (encounter.End ?? encounter.Start) is { } when && when >= cutoff)
            {
                var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["setting"] = encounter.Setting, ["date"] = ImportEvents.Iso(encounter.Start ?? when) };
                yield return ImportEvents.Create(Prefix, practiceId, patientId, record, "visit.completed", when, data);
            }
        }

        foreach (var appointment in records.OfType<FhirAppointment>().Where(a => Upcoming.Contains(a.Status) && a.Start > now))
        {
            var data = new Dictionary<string, string>(StringComparer.Ordinal) { ["start"] = ImportEvents.Iso(appointment.Start!.Value) };
            if (appointment.Place is { } place)
            {
                data["place"] = place;
            }

            var booked = appointment.Created is { } created && created <= now ? created : now;
            yield return ImportEvents.Create(Prefix, practiceId, patientId, $"Appointment/{appointment.Id}", "appointment.scheduled", booked, data);
        }
    }

    /// <summary>An inpatient or observation stay began within 12 hours after an ED visit ended (or up to an hour before).</summary>
    private static bool AdmittedAfter(List<FhirEncounter> encounters, DateTimeOffset edEnd) =>
        encounters.Any(e => e.Setting is FhirSettings.Inpatient or FhirSettings.Observation && e.Start is { } start
            && start >= edEnd.AddHours(-1) && start <= edEnd.AddHours(12));

    private static int InWindow(List<FhirEncounter> encounters, string setting, DateTimeOffset now, int months)
    {
        var from = now.AddMonths(-months);
        return encounters.Count(e => e.Setting == setting && (e.Start ?? e.End) is { } when && when > from && when <= now);
    }

    private static int Age(DateOnly born, DateOnly today)
    {
        var age = today.Year - born.Year;
        return today < born.AddYears(age) ? age - 1 : age;
    }

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
