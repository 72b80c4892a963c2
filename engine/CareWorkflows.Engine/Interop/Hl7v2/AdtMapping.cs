using System.Globalization;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Interop.Hl7v2;

/// <summary>
/// Reads an ADT message into an <see cref="AdtNotice"/> (docs/hl7-adt.md has the table): A01 → patient.admitted,
/// A03 → patient.discharged, A04 → ed.visit (PV1-2 E) or appointment.arrived, A08 → patient.updated. The header is
/// checked first (a problem there is AR: the message was not read), then the content (AE).
/// </summary>
internal static class AdtMapping
{
    /// <summary>The trigger events careflow takes, with the event each becomes.</summary>
    public static IReadOnlyList<string> Triggers { get; } = ["A01", "A03", "A04", "A08"];

    private static readonly string[] ProcessingIds = ["P", "T", "D"];

    /// <summary>Reads the message; throws <see cref="Hl7Exception"/> with the first problem.</summary>
    public static AdtNotice Read(Hl7Message message, IReadOnlyCollection<PracticeSettings> practices, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(practices);
        var msh = message.Header;
        var trigger = Header(msh);
        var practice = Practice(msh, practices);
        var zone = practice.TimeZone;

        var evn = Required(message, "EVN", 2);
        var pid = Required(message, "PID", evn.Index + 1);
        var pv1 = trigger == "A08" ? message.Segment("PV1") : Required(message, "PV1", pid.Index + 1);
        if (evn.Has(1) && evn.Value(1) != trigger)
        {
            throw Error(ErrorCondition.TableValueNotFound, evn, 1, $"EVN-1 '{evn.Value(1)}' differs from the trigger event in MSH-9.2 '{trigger}'. Send the same event in both, or leave EVN-1 empty.");
        }

        var identifiers = Identifiers(pid);
        DateTimeOffset? When(Hl7Segment? segment, int field) => segment is not null && segment.Has(field) ? Time(segment, field, zone) : null;
        var recorded = When(evn, 6) ?? When(evn, 2) ?? Time(msh, 7, zone);
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        string type;
        DateTimeOffset at;
        switch (trigger)
        {
            case "A01":
                type = "patient.admitted";
                data["setting"] = Setting(pv1!);
                at = When(pv1, 44) ?? recorded;
                data["admitted-at"] = ImportEvents.Iso(at);
                break;
            case "A03":
                type = "patient.discharged";
                data["setting"] = Setting(pv1!);
                at = When(pv1, 45) ?? recorded;
                data["discharged-at"] = ImportEvents.Iso(at);
                if (pv1!.Has(36))
                {
                    data["disposition"] = Disposition(pv1.Value(36));
                }

                break;
            case "A04":
                var setting = Setting(pv1!);
                type = setting == "emergency" ? "ed.visit" : "appointment.arrived";
                data["setting"] = setting;
                at = When(pv1, 44) ?? recorded;
                data["date"] = ImportEvents.Iso(at);
                break;
            default:
                type = "patient.updated";
                at = recorded;
                Facts(pid, data, zone, now);
                break;
        }

        var sender = msh.Value(4) is { Length: > 0 } facility ? facility : msh.Value(3);
        return new AdtNotice(practice.Id, msh.Value(10), sender, trigger, type, at, data, identifiers, pid);
    }

    /// <summary>Checks MSH-7, 9, 10, 11, 12; answers the trigger event. Problems are AR.</summary>
    private static string Header(Hl7Segment msh)
    {
        foreach (var (field, name) in new[] { (9, "the message type (ADT^A03^ADT_A03)"), (10, "the message control id"), (11, "the processing id (P, T or D)"), (12, "the version id (2.5.1)"), (7, "the time of the message") })
        {
            if (!msh.Has(field))
            {
                throw Reject(ErrorCondition.RequiredFieldMissing, msh, field, $"MSH-{field} is missing. Send {name}.");
            }
        }

        if (msh.Value(9) != "ADT")
        {
            throw Reject(ErrorCondition.UnsupportedMessageType, msh, 9, $"message type '{msh.Value(9)}' is not taken: careflow reads ADT messages only (A01, A03, A04, A08).", component: 1);
        }

        var trigger = msh.Value(9, 2);
        if (trigger.Length == 0)
        {
            throw Reject(ErrorCondition.RequiredFieldMissing, msh, 9, "MSH-9.2, the trigger event, is missing. Send ADT^A01, ADT^A03, ADT^A04 or ADT^A08.", component: 2);
        }

        if (!Triggers.Contains(trigger))
        {
            throw Reject(ErrorCondition.UnsupportedEventCode, msh, 9, $"trigger event '{trigger}' is not taken: careflow reads A01, A03, A04 and A08. Filter other events out in the interface engine.", component: 2);
        }

        if (msh.Value(10).Length > 150)
        {
            throw Reject(ErrorCondition.DataTypeError, msh, 10, "MSH-10 is longer than 150 characters. Send a control id of at most 20 characters, as the standard says.");
        }

        if (!ProcessingIds.Contains(msh.Value(11)))
        {
            throw Reject(ErrorCondition.UnsupportedProcessingId, msh, 11, $"processing id '{msh.Value(11)}' is not taken. Send P (production), T (training) or D (debugging).");
        }

        if (!msh.Value(12).StartsWith("2.", StringComparison.Ordinal))
        {
            throw Reject(ErrorCondition.UnsupportedVersionId, msh, 12, $"version '{msh.Value(12)}' is not taken: careflow reads HL7 version 2 messages (2.3 to 2.8). Send 2.5.1.");
        }

        if (!Hl7Time.TryParse(msh.Value(7), TimeZoneInfo.Utc, out _))
        {
            throw Reject(ErrorCondition.DataTypeError, msh, 7, $"'{msh.Value(7)}' is not a date/time. Write it as {Hl7Time.Format}.");
        }

        return trigger;
    }

    /// <summary>The practice a message's header names, or null; for filing a message that was refused.</summary>
    public static string? PracticeOf(Hl7Segment msh, IReadOnlyCollection<PracticeSettings> practices)
    {
        try
        {
            return Practice(msh, practices).Id;
        }
        catch (Hl7Exception)
        {
            return null;
        }
    }

    /// <summary>The practice whose hl7.facilities names MSH-6 (namespace or universal id), else MSH-4.</summary>
    private static PracticeSettings Practice(Hl7Segment msh, IReadOnlyCollection<PracticeSettings> practices)
    {
        foreach (var field in new[] { 6, 4 })
        {
            var names = new[] { msh.Value(field), msh.Value(field, 2) }.Where(n => n.Length > 0).ToList();
            var matches = practices.Where(p => p.Hl7Facilities.Any(f => names.Contains(f, StringComparer.OrdinalIgnoreCase))).ToList();
            if (matches.Count == 1)
            {
                return matches[0];
            }

            if (matches.Count > 1)
            {
                throw Error(ErrorCondition.DuplicateKeyIdentifier, msh, field,
                    $"MSH-{field} '{names[0]}' is listed in hl7.facilities of several practices ({string.Join(", ", matches.Select(p => p.Id).Order(StringComparer.Ordinal))}). A facility may name one practice only: fix the practice.yaml files.");
            }
        }

        throw Error(ErrorCondition.UnknownKeyIdentifier, msh, 6,
            $"neither MSH-6 (receiving facility '{msh.Value(6)}') nor MSH-4 (sending facility '{msh.Value(4)}') names a practice. Add the facility to 'hl7: {{ facilities: [...] }}' in workflows/practices/<practice>/practice.yaml.");
    }

    private static Hl7Segment Required(Hl7Message message, string id, int earliest)
    {
        var segment = message.Segment(id);
        if (segment is null)
        {
            throw new Hl7Exception(new Hl7Error(AckCode.Error, ErrorCondition.SegmentSequence, id, 0, $"the message has no {id} segment, which every ADT message careflow reads must have."));
        }

        if (segment.Index < earliest)
        {
            throw new Hl7Exception(new Hl7Error(AckCode.Error, ErrorCondition.SegmentSequence, id, segment.Index, $"{id} comes too early: ADT segments go in the order MSH, EVN, PID, [PD1], ..., PV1, [PV2]."));
        }

        return segment;
    }

    /// <summary>The repetitions of PID-3 of identifier type MR, each with its assigning authority.</summary>
    private static List<MedicalRecordNumber> Identifiers(Hl7Segment pid)
    {
        if (!pid.Has(3))
        {
            throw Error(ErrorCondition.RequiredFieldMissing, pid, 3, "PID-3, the patient identifier list, is missing. Send the patient's medical record number with identifier type MR and its assigning authority (MRN^^^AUTHORITY^MR).");
        }

        var result = new List<MedicalRecordNumber>();
        var repetitions = pid.Repetitions(3);
        for (var r = 0; r < repetitions.Count; r++)
        {
            var repetition = repetitions[r];
            if (pid.Part(repetition, 5) != "MR")
            {
                continue;
            }

            if (pid.Part(repetition, 1).Length == 0)
            {
                throw Error(ErrorCondition.RequiredFieldMissing, pid, 3, $"repetition {r + 1} of PID-3 has identifier type MR but no identifier in PID-3.1.", component: 1, repetition: r + 1);
            }

            var systems = new List<string>();
            if (pid.Part(repetition, 4) is { Length: > 0 } ns)
            {
                systems.Add(ns);
            }

            if (pid.Part(repetition, 4, 2) is { Length: > 0 } universal)
            {
                systems.Add(universal);
                if (pid.Part(repetition, 4, 3) == "ISO")
                {
                    systems.Add("urn:oid:" + universal);
                }
            }

            if (systems.Count == 0)
            {
                throw Error(ErrorCondition.RequiredFieldMissing, pid, 3, $"the MR of repetition {r + 1} of PID-3 has no assigning authority (PID-3.4). careflow matches a medical record number with the authority that issued it.", component: 4, repetition: r + 1);
            }

            result.Add(new MedicalRecordNumber(pid.Part(repetition, 1), systems, r + 1));
        }

        if (result.Count == 0)
        {
            throw Error(ErrorCondition.RequiredFieldMissing, pid, 3, "no repetition of PID-3 has identifier type MR (PID-3.5). Send the medical record number as MRN^^^AUTHORITY^MR.", component: 5);
        }

        return result;
    }

    private static string Setting(Hl7Segment pv1) => pv1.Value(2) switch
    {
        "E" => "emergency",
        "I" => "inpatient",
        "O" => "ambulatory",
        "" => throw Error(ErrorCondition.RequiredFieldMissing, pv1, 2, "PV1-2, the patient class, is missing. Send E (emergency), I (inpatient) or O (outpatient)."),
        var other => throw Error(ErrorCondition.TableValueNotFound, pv1, 2, $"patient class '{other}' is not one careflow reads. Send E (emergency), I (inpatient) or O (outpatient)."),
    };

    /// <summary>PV1-36 (user-defined table 0112, the NUBC discharge status codes) in the words rules use; other codes lower-cased.</summary>
    private static string Disposition(string code) => code switch
    {
        "01" => "home",
        "06" or "08" => "home-health",
        "03" or "61" or "64" => "snf",
        "04" or "63" => "long-term-care",
        "07" => "against-advice",
        "09" => "admitted",
        "20" or "40" or "41" or "42" => "expired",
        "50" or "51" => "hospice",
        "62" => "rehab",
        "65" => "psychiatric",
        "02" or "05" or "43" or "66" or "69" or "70" => "other-facility",
        "21" => "other",
        _ => code.ToLowerInvariant(),
    };

    /// <summary>What an A08 says that careflow keeps as facts: age (PID-7), deceased (PID-29, PID-30), language (PID-15).</summary>
    private static void Facts(Hl7Segment pid, Dictionary<string, string> data, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (pid.Has(7))
        {
            if (!Hl7Time.TryParseDate(pid.Value(7), out var born))
            {
                throw Error(ErrorCondition.DataTypeError, pid, 7, "the birth date is not a date. Write it as YYYYMMDD.");
            }

            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
            var age = today.Year - born.Year - (today < born.AddYears(today.Year - born.Year) ? 1 : 0);
            data["age"] = Math.Max(0, age).ToString(CultureInfo.InvariantCulture);
        }

        var deceased = pid.Value(30) switch
        {
            "Y" => true,
            "N" or "" => pid.Has(29),
            _ => throw Error(ErrorCondition.TableValueNotFound, pid, 30, "the death indicator must be Y or N."),
        };
        if (pid.Has(29) || pid.Has(30))
        {
            data["deceased"] = deceased ? "true" : "false";
        }

        if (pid.Value(15) is { Length: 2 } language && language.All(char.IsAsciiLetter))
        {
            data["language"] = language.ToLowerInvariant();
        }
    }

    private static DateTimeOffset Time(Hl7Segment segment, int field, TimeZoneInfo zone)
    {
        if (Hl7Time.TryParse(segment.Value(field), zone, out var value))
        {
            return value;
        }

        var shown = segment.Id is "PID" or "PD1" ? "" : $"'{segment.Value(field)}' ";
        throw new Hl7Exception(Hl7Error.At(segment.Id == "MSH" ? AckCode.Reject : AckCode.Error, ErrorCondition.DataTypeError, segment, field,
            $"{segment.Id}-{field} {shown}is not a date/time. Write it as {Hl7Time.Format}."));
    }

    private static Hl7Exception Reject(int condition, Hl7Segment segment, int field, string text, int component = 0) =>
        new(Hl7Error.At(AckCode.Reject, condition, segment, field, text, component));

    private static Hl7Exception Error(int condition, Hl7Segment segment, int field, string text, int component = 0, int repetition = 0) =>
        new(Hl7Error.At(AckCode.Error, condition, segment, field, text, component, repetition));
}
