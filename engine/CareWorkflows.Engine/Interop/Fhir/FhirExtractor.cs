using CareWorkflows.Engine.Interop.Codes;
using Hl7.Fhir.Utility;
using R4 = Hl7.Fhir.Model;

namespace CareWorkflows.Engine.Interop.Fhir;

/// <summary>
/// Turns one parsed resource into the record careflow keeps of it, checking what the import needs beyond the
/// FHIR structure (a patient reference, a time, a value in the right unit). Problems name the element.
/// </summary>
internal sealed class FhirExtractor(CodeSets codes)
{
    /// <summary>The resource types careflow reads; entries of other types are passed over.</summary>
    public static readonly IReadOnlySet<string> ReadTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "Patient", "Condition", "Observation", "Encounter", "Appointment", "Coverage",
    };

    private const string Loinc = "http://loinc.org";
    private static readonly string[] Hba1cCodes = ["4548-4", "17856-6"];
    private const string BloodPressurePanel = "85354-9";
    private const string Systolic = "8480-6";
    private const string Diastolic = "8462-4";
    private static readonly string[] FinalStatuses = ["final", "amended", "corrected"];
    private static readonly string[] ActiveClinicalStatuses = ["active", "recurrence", "relapse"];
    private static readonly string[] VoidVerificationStatuses = ["refuted", "entered-in-error"];
    private static readonly string[] Hba1cUnits = ["%", "percent", "%{HbA1c}", "%{hemoglobin}", "% of total Hgb"];

    /// <summary>
    /// The record of a resource, or null when careflow keeps nothing of it; problems with severity
    /// <see cref="ProblemSeverity.Error"/> mean the resource is refused.
    /// </summary>
    /// <param name="resource">The parsed resource.</param>
    /// <param name="fullUrl">The entry's fullUrl, if any (identifies a resource without an id).</param>
    /// <param name="resolve">Resolves a reference to a resource's type and id (fullUrl references in a bundle too).</param>
    /// <param name="order">The position read, for telling versions apart when meta says nothing.</param>
    /// <param name="problems">Receives the problems (element, message, severity).</param>
    public FhirRecord? Extract(R4.Resource resource, string? fullUrl, Func<string, (string Type, string Id)?> resolve, long order, List<(string Element, string Message, ProblemSeverity Severity)> problems)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(problems);
        var type = resource.TypeName;
        var key = !string.IsNullOrWhiteSpace(resource.Id) ? $"{type}/{resource.Id}" : fullUrl ?? $"{type}/@{order}";
        var version = new ResourceVersion(
            long.TryParse(resource.Meta?.VersionId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null,
            resource.Meta?.LastUpdated,
            order);
        var context = new Context(type, resolve, problems);
        return resource switch
        {
            R4.Patient patient => Patient(patient, version, context),
            R4.Condition condition => Condition(condition, key, version, context),
            R4.Observation observation => Observation(observation, key, version, context),
            R4.Encounter encounter => Encounter(encounter, key, StableId(resource, fullUrl), version, context),
            R4.Appointment appointment => Appointment(appointment, key, StableId(resource, fullUrl), version, context),
            R4.Coverage coverage => Coverage(coverage, key, version, context),
            _ => null,
        };
    }

    private static FhirPatient? Patient(R4.Patient patient, ResourceVersion version, Context context)
    {
        if (string.IsNullOrWhiteSpace(patient.Id))
        {
            context.Error("Patient.id", "missing. The Patient's id is the practice's id for the patient; every imported Patient needs one.");
            return null;
        }

        DateOnly? birthDate = null;
        if (patient.BirthDateElement is { } birth && birth.TryToDateTimeOffset(out var born))
        {
            birthDate = DateOnly.FromDateTime(born.Date);
        }

        var deceased = patient.Deceased switch
        {
            R4.FhirBoolean flag => flag.Value == true,
            R4.FhirDateTime => true,
            _ => false,
        };
        var communication = patient.Communication.FirstOrDefault(c => c.Preferred == true) ?? patient.Communication.FirstOrDefault();
        var language = communication?.Language?.Coding.FirstOrDefault()?.Code?.Split('-')[0].ToLowerInvariant();
        if (language is not { Length: 2 } || !language.All(char.IsAsciiLetterLower))
        {
            language = null;
        }

        // Medical record numbers only (type MR, v2 table 0203), and only with a system: an MRN means nothing without its issuer.
        var identifiers = patient.Identifier
            .Where(i => !string.IsNullOrWhiteSpace(i.System) && !string.IsNullOrWhiteSpace(i.Value)
                && i.Type?.Coding.Any(c => c.Code == "MR" && c.System is null or "http://terminology.hl7.org/CodeSystem/v2-0203") == true)
            .Select(i => new Persistence.PatientIdentifier(patient.Id, i.System!.Trim(), i.Value!.Trim()))
            .ToList();
        return new FhirPatient($"Patient/{patient.Id}", patient.Id, version, birthDate, deceased, language) { Identifiers = identifiers };
    }

    private FhirCondition? Condition(R4.Condition condition, string key, ResourceVersion version, Context context)
    {
        if (context.Patient(condition.Subject, "Condition.subject") is not { } patientId)
        {
            return null;
        }

        var clinical = condition.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
        var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        var active = (clinical is null ? condition.Abatement is null : ActiveClinicalStatuses.Contains(clinical))
            && (verification is null || !VoidVerificationStatuses.Contains(verification));
        var matches = (condition.Code?.Coding ?? []).SelectMany(c => codes.Match(c.System, c.Code)).Distinct().ToList();
        return new FhirCondition(key, patientId, version, active, matches);
    }

    private static FhirObservation? Observation(R4.Observation observation, string key, ResourceVersion version, Context context)
    {
        var loinc = observation.Code?.Coding.Where(c => c.System == Loinc).Select(c => c.Code).ToList() ?? [];
        var hba1c = loinc.Any(Hba1cCodes.Contains);
        var panel = loinc.Contains(BloodPressurePanel);
        var systolic = loinc.Contains(Systolic);
        var diastolic = loinc.Contains(Diastolic);
        if (!hba1c && !panel && !systolic && !diastolic)
        {
            return null;
        }

        if (context.Patient(observation.Subject, "Observation.subject") is not { } patientId)
        {
            return null;
        }

        var status = EnumUtility.GetLiteral(observation.Status);
        if (!FinalStatuses.Contains(status))
        {
            // Not a result (yet, or any more): a newer version like this withdraws an earlier one.
            return new FhirObservation(key, patientId, version, DateTimeOffset.MinValue, null, null, null);
        }

        if (When(observation) is not { } at)
        {
            context.Error("Observation.effective[x]", "missing. A result needs the time it was taken (effectiveDateTime, effectivePeriod.start or issued).");
            return null;
        }

        if (hba1c)
        {
            return Hba1c(observation, key, patientId, version, at, context);
        }

        decimal? sys = null, dia = null;
        if (panel)
        {
            foreach (var component in observation.Component)
            {
                var componentCodes = component.Code?.Coding.Where(c => c.System == Loinc).Select(c => c.Code).ToList() ?? [];
                var value = (component.Value as R4.Quantity)?.Value;
                sys = componentCodes.Contains(Systolic) ? value ?? sys : sys;
                dia = componentCodes.Contains(Diastolic) ? value ?? dia : dia;
            }
        }
        else
        {
            var value = (observation.Value as R4.Quantity)?.Value;
            sys = systolic ? value : null;
            dia = diastolic ? value : null;
        }

        if (sys is null && dia is null && observation.DataAbsentReason is null)
        {
            context.Error(panel ? "Observation.component" : "Observation.valueQuantity",
                panel ? "a blood pressure panel (85354-9) needs a systolic (8480-6) or diastolic (8462-4) component with a value in mmHg." : "a blood pressure result needs its value in mmHg.");
            return null;
        }

        return new FhirObservation(key, patientId, version, at, null, sys, dia);
    }

    private static FhirObservation? Hba1c(R4.Observation observation, string key, string patientId, ResourceVersion version, DateTimeOffset at, Context context)
    {
        if (observation.Value is not R4.Quantity { Value: { } value } quantity)
        {
            if (observation.DataAbsentReason is not null)
            {
                return new FhirObservation(key, patientId, version, at, null, null, null);
            }

            context.Error("Observation.valueQuantity", "missing. An HbA1c result (LOINC 4548-4 or 17856-6) needs its value in % (valueQuantity), or a dataAbsentReason.");
            return null;
        }

        var unit = quantity.Code ?? quantity.Unit;
        if (unit is not null && !Hba1cUnits.Contains(unit.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            context.Error("Observation.valueQuantity.unit", $"'{unit}' is not a percentage. HbA1c results under LOINC 4548-4 and 17856-6 are in % (NGSP); an IFCC result in mmol/mol has LOINC 59261-8.");
            return null;
        }

        if (value is <= 0 or > 25)
        {
            context.Error("Observation.valueQuantity.value", $"{value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a plausible HbA1c in % (expected above 0 and at most 25).");
            return null;
        }

        return new FhirObservation(key, patientId, version, at, value, null, null);
    }

    private static FhirEncounter? Encounter(R4.Encounter encounter, string key, string? id, ResourceVersion version, Context context)
    {
        if (id is null)
        {
            context.Error("Encounter.id", "missing. An encounter needs an id (or a fullUrl) so that importing it again is recognised and not applied twice.");
            return null;
        }

        if (context.Patient(encounter.Subject, "Encounter.subject") is not { } patientId)
        {
            return null;
        }

        var setting = encounter.Class?.Code switch
        {
            "IMP" or "ACUTE" or "NONAC" => FhirSettings.Inpatient,
            "EMER" => FhirSettings.Emergency,
            "OBSENC" => FhirSettings.Observation,
            "AMB" => FhirSettings.Ambulatory,
            "VR" => FhirSettings.Virtual,
            "HH" => FhirSettings.Home,
            { } other => other.ToLowerInvariant(),
            null => "",
        };
        var status = EnumUtility.GetLiteral(encounter.Status) ?? "";
        var start = Time(encounter.Period?.StartElement, "Encounter.period.start", context);
        var end = Time(encounter.Period?.EndElement, "Encounter.period.end", context);
        if (start is { } s && end is { } e && e < s)
        {
            context.Error("Encounter.period", "the end is before the start.");
            return null;
        }

        var dispositionCode = encounter.Hospitalization?.DischargeDisposition?.Coding.FirstOrDefault()?.Code;
        // Codes of http://terminology.hl7.org/CodeSystem/discharge-disposition, in the words rules use (docs/facts.md).
        var disposition = dispositionCode switch
        {
            null => null,
            "exp" => "expired",
            "hosp" => "hospice",
            "aadvice" => "against-advice",
            "other-hcf" => "other-facility",
            "long" => "long-term-care",
            "psy" => "psychiatric",
            "oth" => "other",
            _ => dispositionCode,
        };
        if (status == "finished" && end is null && setting is FhirSettings.Inpatient or FhirSettings.Emergency or FhirSettings.Observation)
        {
            context.Warn("Encounter.period.end", "missing on a finished stay, so no patient.discharged is produced for it. Give the time of discharge.");
        }

        return new FhirEncounter(key, id, patientId, version, setting, status, start, end, disposition);
    }

    private static FhirAppointment? Appointment(R4.Appointment appointment, string key, string? id, ResourceVersion version, Context context)
    {
        if (id is null)
        {
            context.Error("Appointment.id", "missing. An appointment needs an id (or a fullUrl) so that importing it again is recognised and not applied twice.");
            return null;
        }

        string? patientId = null;
        string? place = null;
        for (var i = 0; i < appointment.Participant.Count; i++)
        {
            var actor = appointment.Participant[i].Actor;
            if (actor?.Reference is not { Length: > 0 } reference || context.Resolve(reference) is not { } target)
            {
                continue;
            }

            if (target.Type == "Patient")
            {
                patientId ??= target.Id;
            }
            else if (target.Type == "Location")
            {
                place ??= actor.Display ?? target.Id;
            }
        }

        if (patientId is null)
        {
            context.Error("Appointment.participant", "no participant is a Patient (actor.reference Patient/{id}). careflow needs to know whose appointment it is.");
            return null;
        }

        var status = EnumUtility.GetLiteral(appointment.Status) ?? "";
        if (status is "booked" or "pending" && appointment.Start is null)
        {
            context.Error("Appointment.start", $"missing. A {status} appointment needs its start.");
            return null;
        }

        var created = Time(appointment.CreatedElement, "Appointment.created", context);
        return new FhirAppointment(key, id, patientId, version, status, appointment.Start, place ?? appointment.ServiceType.FirstOrDefault()?.Text, created);
    }

    private static FhirCoverage? Coverage(R4.Coverage coverage, string key, ResourceVersion version, Context context)
    {
        if (context.Patient(coverage.Beneficiary, "Coverage.beneficiary") is not { } patientId)
        {
            return null;
        }

        var payer = coverage.Payor.Select(p => p.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
        return new FhirCoverage(key, patientId, version, EnumUtility.GetLiteral(coverage.Status) ?? "", payer);
    }

    private static string? StableId(R4.Resource resource, string? fullUrl) =>
        !string.IsNullOrWhiteSpace(resource.Id) ? resource.Id
        : fullUrl is { Length: > 0 } url ? url.Replace("urn:uuid:", "", StringComparison.Ordinal).Replace("urn:oid:", "", StringComparison.Ordinal)
        : null;

    private static DateTimeOffset? When(R4.Observation observation) => observation.Effective switch
    {
        R4.FhirDateTime time when time.TryToDateTimeOffset(TimeSpan.Zero, out var at) => at,
        R4.Period period when period.StartElement?.TryToDateTimeOffset(TimeSpan.Zero, out var at) == true => at,
        R4.Instant instant when instant.Value is { } at => at,
        _ => observation.Issued,
    };

    private static DateTimeOffset? Time(R4.FhirDateTime? element, string path, Context context)
    {
        if (element?.Value is null)
        {
            return null;
        }

        if (element.TryToDateTimeOffset(TimeSpan.Zero, out var at))
        {
            return at;
        }

        context.Error(path, $"'{element.Value}' is not a date and time.");
        return null;
    }

    /// <summary>Resolves references and collects the problems of one resource.</summary>
    private sealed class Context(string type, Func<string, (string Type, string Id)?> resolve, List<(string Element, string Message, ProblemSeverity Severity)> problems)
    {
        public void Error(string element, string message) => problems.Add((element, message, ProblemSeverity.Error));

        public void Warn(string element, string message) => problems.Add((element, message, ProblemSeverity.Warning));

        public (string Type, string Id)? Resolve(string reference) => resolve(reference);

        /// <summary>The patient id a reference points to, or null with the problem recorded.</summary>
        public string? Patient(R4.ResourceReference? reference, string element)
        {
            if (reference?.Reference is not { Length: > 0 } text)
            {
                Error(element, $"missing. A {type} must say whose it is: a reference to Patient/{{id}}.");
                return null;
            }

            if (text.Contains('?', StringComparison.Ordinal))
            {
                Error(element + ".reference", $"'{text}' is a conditional reference, which careflow does not resolve. Refer to Patient/{{id}}, or to the fullUrl of a Patient entry in the same bundle.");
                return null;
            }

            if (resolve(text) is not { } target)
            {
                Error(element + ".reference", $"'{text}' cannot be resolved. Refer to Patient/{{id}}, or to the fullUrl of a Patient entry in the same bundle.");
                return null;
            }

            if (target.Type != "Patient")
            {
                Error(element + ".reference", $"refers to a {target.Type}, not a Patient.");
                return null;
            }

            return target.Id;
        }
    }
}

/// <summary>The care settings encounters are sorted into (event.Setting, docs/facts.md).</summary>
internal static class FhirSettings
{
    /// <summary>Inpatient stay (class IMP, ACUTE, NONAC).</summary>
    public const string Inpatient = "inpatient";

    /// <summary>Emergency department (class EMER).</summary>
    public const string Emergency = "emergency";

    /// <summary>Observation stay (class OBSENC).</summary>
    public const string Observation = "observation";

    /// <summary>Ambulatory visit (class AMB).</summary>
    public const string Ambulatory = "ambulatory";

    /// <summary>Virtual visit (class VR).</summary>
    public const string Virtual = "virtual";

    /// <summary>Home visit (class HH).</summary>
    public const string Home = "home";
}
