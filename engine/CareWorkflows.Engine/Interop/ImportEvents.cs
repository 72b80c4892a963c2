using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Engine.Interop;

/// <summary>
/// Event ids of imported data. An id is made from the practice, the source record and a digest of what the event
/// says, so importing the same data again gives the same ids (the store answers duplicate), and a changed record
/// gives a new event only when what the event says changed.
/// </summary>
internal static class ImportEvents
{
    /// <summary>The event type that sets patient facts.</summary>
    public const string PatientUpdated = "patient.updated";

    /// <summary>
    /// An imported event with its deterministic id: <c>{prefix}:{practice}:{record}/{digest}:{type}</c>, where the
    /// digest covers the type and the data (not the time, which may be the time of the import), plus
    /// <paramref name="salt"/> when given. <paramref name="variant"/>, when given, is appended as <c>:{variant}</c>.
    /// </summary>
    public static WorkflowEvent Create(string prefix, string practiceId, string patientId, string record, string type, DateTimeOffset at, IReadOnlyDictionary<string, string> data, string? variant = null, string? salt = null)
    {
        var digest = Digest(type, data, salt);
        return new WorkflowEvent
        {
            EventId = $"{prefix}:{practiceId}:{record}/{digest}:{type}{(variant is null ? "" : ":" + variant)}",
            PracticeId = practiceId,
            PatientId = patientId,
            Type = type,
            At = at,
            Data = data,
        };
    }

    /// <summary>16 hex digits of SHA-256 over the event's type and data (keys in order) and the salt.</summary>
    public static string Digest(string type, IReadOnlyDictionary<string, string> data, string? salt = null)
    {
        var text = new StringBuilder(type).Append('\n');
        foreach (var (key, value) in data.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append('=').Append(value).Append('\n');
        }

        text.Append(salt);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }

    /// <summary>A time as event data: ISO 8601 with its offset, to the second (2026-11-20T14:30:00+00:00).</summary>
    public static string Iso(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
