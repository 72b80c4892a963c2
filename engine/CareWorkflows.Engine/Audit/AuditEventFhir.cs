using System.Globalization;
using Hl7.Fhir.Serialization;
using R4 = Hl7.Fhir.Model;

namespace CareWorkflows.Engine.Audit;

/// <summary>
/// The audit trail as FHIR R4 AuditEvent resources (one per audited request): type <c>rest</c> with the RESTful
/// interaction as subtype, the key or JWT subject as the requesting agent with its role, the practice as the
/// source site, one entity per patient (<c>Patient/{id}</c>) and one for the request id.
/// </summary>
internal static class AuditEventFhir
{
    public const string NdjsonMediaType = "application/fhir+ndjson";
    public const string RequestIdSystem = "urn:careflow:request-id";
    public const string ActorSystem = "urn:careflow:actor";
    public const string RoleSystem = "urn:careflow:role";

    private const string AuditEventTypes = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string RestfulInteractions = "http://hl7.org/fhir/restful-interaction";
    private const string ObjectRoles = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string EntityTypes = "http://terminology.hl7.org/CodeSystem/audit-entity-type";

    public static R4.AuditEvent Build(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var audit = new R4.AuditEvent
        {
            Id = entry.Id.ToString(CultureInfo.InvariantCulture),
            Type = new R4.Coding(AuditEventTypes, "rest", "RESTful Operation"),
            Subtype = [new R4.Coding(RestfulInteractions, Interaction(entry.Method, entry.PatientIds.Count))],
            Action = entry.Method switch
            {
                "GET" or "HEAD" => R4.AuditEvent.AuditEventAction.R,
                "PUT" or "PATCH" => R4.AuditEvent.AuditEventAction.U,
                "DELETE" => R4.AuditEvent.AuditEventAction.D,
                _ => R4.AuditEvent.AuditEventAction.E,
            },
            Recorded = entry.At,
            Outcome = entry.Status switch
            {
                < 400 => R4.AuditEvent.AuditEventOutcome.N0,
                < 500 => R4.AuditEvent.AuditEventOutcome.N4,
                _ => R4.AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = $"HTTP {entry.Status} {entry.Action}",
            Agent =
            [
                new R4.AuditEvent.AgentComponent
                {
                    Requestor = true,
                    Who = new R4.ResourceReference { Identifier = new R4.Identifier(ActorSystem, entry.Actor), Display = entry.ActorName },
                    Role = [new R4.CodeableConcept(RoleSystem, entry.Role)],
                },
            ],
            Source = new R4.AuditEvent.SourceComponent
            {
                Site = entry.PracticeId ?? "po",
                Observer = new R4.ResourceReference { Display = "careflow" },
            },
        };
        foreach (var patient in entry.PatientIds)
        {
            audit.Entity.Add(new R4.AuditEvent.EntityComponent
            {
                What = new R4.ResourceReference($"Patient/{patient}"),
                Type = new R4.Coding(EntityTypes, "1", "Person"),
                Role = new R4.Coding(ObjectRoles, "1", "Patient"),
            });
        }

        audit.Entity.Add(new R4.AuditEvent.EntityComponent
        {
            What = new R4.ResourceReference { Identifier = new R4.Identifier(RequestIdSystem, entry.RequestId) },
            Type = new R4.Coding(EntityTypes, "2", "System Object"),
            Description = $"{entry.Method} {entry.Path}",
        });
        return audit;
    }

    /// <summary>One AuditEvent per line.</summary>
    public static async Task WriteNdjsonAsync(IEnumerable<AuditEntry> entries, TextWriter writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var entry in entries)
        {
            await writer.WriteLineAsync(Build(entry).ToJson().AsMemory(), cancellationToken);
        }
    }

    /// <summary>A collection Bundle of the AuditEvents, as FHIR JSON.</summary>
    public static string BundleJson(IEnumerable<AuditEntry> entries, DateTimeOffset now)
    {
        var bundle = new R4.Bundle { Type = R4.Bundle.BundleType.Collection, Timestamp = now };
        foreach (var entry in entries)
        {
            bundle.Entry.Add(new R4.Bundle.EntryComponent { FullUrl = $"urn:careflow:audit:{entry.Id}", Resource = Build(entry) });
        }

        return bundle.ToJson();
    }

    private static string Interaction(string method, int patients) => method switch
    {
        "GET" or "HEAD" => patients == 1 ? "read" : "search-type",
        "PUT" or "PATCH" => "update",
        "DELETE" => "delete",
        _ => "create",
    };
}
