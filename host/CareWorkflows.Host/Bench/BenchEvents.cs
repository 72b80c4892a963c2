using System.Globalization;
using System.Text.Json;

namespace CareWorkflows.Host.Bench;

/// <summary>An event as the bench posts it.</summary>
internal sealed record BenchEvent(string Id, string Type, string Patient, DateTimeOffset? At, IReadOnlyList<KeyValuePair<string, string>> Data)
{
    /// <summary>The event as one JSON object, as clients post it.</summary>
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("id", Id);
        json.WriteString("type", Type);
        json.WriteString("patient", Patient);
        if (At is { } at)
        {
            json.WriteString("at", BenchEvents.Time(at));
        }

        json.WriteStartObject("data");
        foreach (var (key, value) in Data)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json);
        }

        return buffer.ToArray();
    }
}

/// <summary>The synthetic workloads: never real data, one practice (demo).</summary>
internal static class BenchEvents
{
    /// <summary>Each patient's events in order: facts first, then visits, discharges and fact changes.</summary>
    private static readonly string[] Rounds =
    [
        "patient.updated", "appointment.scheduled", "patient.discharged", "appointment.scheduled", "patient.updated",
        "patient.discharged", "appointment.scheduled", "patient.updated", "patient.discharged", "appointment.scheduled",
    ];

    private static readonly string[] Conditions =
    [
        "diabetes,hypertension", "diabetes", "copd,hypertension", "diabetes,heart-failure,ckd", "hypertension", "asthma,depression",
    ];

    private static readonly string[] Hba1c = ["9.6", "7.1", "8.4", "6.8"];

    public static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary>
    /// <paramref name="count"/> events across count/10 patients, interleaved as a feed sends them: round r of every
    /// patient before round r+1. Every time lies in the recent past, and every due date in the future, so no
    /// timer falls due while the bench runs.
    /// </summary>
    public static List<BenchEvent> Care(string prefix, int count, DateTimeOffset now)
    {
        var patients = Math.Max(1, count / Rounds.Length);
        var start = now.AddMinutes(-30);
        var events = new List<BenchEvent>(count);
        for (var k = 0; k < count; k++)
        {
            var round = k / patients;
            var p = k % patients;
            var patient = $"{prefix}p{p:D6}";
            var at = start.AddSeconds((round * 60) + (p % 60));
            var type = Rounds[round % Rounds.Length];
            KeyValuePair<string, string>[] data = type switch
            {
                "patient.updated" when round == 0 =>
                [
                    new("age", (40 + (p % 45)).ToString(CultureInfo.InvariantCulture)),
                    new("conditions", Conditions[p % Conditions.Length]),
                    new("hba1c", Hba1c[p % Hba1c.Length]),
                    new("preferred-channel", p % 2 == 0 ? "sms" : "phone"),
                    new("language", p % 5 == 0 ? "es" : "en"),
                ],
                "patient.updated" => [new("hba1c", Hba1c[(p + round) % Hba1c.Length])],
                "appointment.scheduled" =>
                [
                    new("start", Time(now.AddDays(14 + round).AddHours(p % 9))),
                    new("place", "Lakeside clinic"),
                ],
                _ =>
                [
                    new("setting", p % 4 == 1 ? "observation" : "inpatient"),
                    new("disposition", "home"),
                    new("discharged-at", Time(at)),
                ],
            };
            events.Add(new BenchEvent($"{prefix}e{k:D7}", type, patient, at, data));
        }

        return events;
    }

    /// <summary>One appointment per patient, each starting at <paramref name="appointmentStart"/>.</summary>
    public static List<BenchEvent> Appointments(string prefix, int count, DateTimeOffset appointmentStart) =>
    [
        .. Enumerable.Range(0, count).Select(i => new BenchEvent(
            $"{prefix}e{i:D7}", "appointment.scheduled", $"{prefix}p{i:D7}", null,
            [new("start", Time(appointmentStart)), new("place", "Lakeside clinic")])),
    ];

    /// <summary>The events as JSON array bodies of <paramref name="size"/> events each.</summary>
    public static List<byte[]> Batches(IReadOnlyList<BenchEvent> events, int size)
    {
        var batches = new List<byte[]>();
        for (var first = 0; first < events.Count; first += size)
        {
            using var buffer = new MemoryStream();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                for (var i = first; i < Math.Min(first + size, events.Count); i++)
                {
                    events[i].Write(json);
                }

                json.WriteEndArray();
            }

            batches.Add(buffer.ToArray());
        }

        return batches;
    }
}
