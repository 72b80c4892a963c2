using System.Globalization;
using CareWorkflows.Engine.Audit;
using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CareWorkflows.Host.Api;

/// <summary>The audit trail for admins: as JSON, or exported as FHIR R4 AuditEvent resources (NDJSON or a Bundle).</summary>
internal static class AuditApi
{
    private const int DefaultLimit = 1000;
    private const int MaxLimit = 100_000;

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", ListAsync).WithName("ListAuditEvents")
            .WithSummary("Who read or wrote which patients' data, oldest first. Filters: practice, patient, from, to (ISO 8601), limit (default 1000).")
            .RequirePermission(Permission.AuditRead);
        api.MapGet("/audit/fhir", ExportAsync).WithName("ExportAuditEvents")
            .WithSummary("The same entries as FHIR R4 AuditEvent resources: format=ndjson (application/fhir+ndjson, default) or bundle (a collection Bundle).")
            .RequirePermission(Permission.AuditRead);
        return api;
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ValidationProblem>> ListAsync(
        string? practice, string? patient, string? from, string? to, int? limit, HttpContext http, AuditTrail trail, CancellationToken cancellationToken)
    {
        var (query, errors) = Query(practice, patient, from, to, limit, http);
        return query is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(await trail.QueryAsync(query, cancellationToken));
    }

    private static async Task<IResult> ExportAsync(
        string? practice, string? patient, string? from, string? to, int? limit, string? format, HttpContext http, AuditTrail trail, TimeProvider time, CancellationToken cancellationToken)
    {
        var (query, errors) = Query(practice, patient, from, to, limit, http);
        if (format is not (null or "ndjson" or "bundle"))
        {
            errors["format"] = ["Use ndjson (one AuditEvent a line) or bundle (a FHIR collection Bundle)."];
        }

        if (query is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var entries = await trail.QueryAsync(query, cancellationToken);
        if (format == "bundle")
        {
            return Results.Text(AuditEventFhir.BundleJson(entries, time.GetUtcNow()), Engine.Interop.Fhir.FhirOutcome.MediaType);
        }

        http.Response.ContentType = AuditEventFhir.NdjsonMediaType;
        await using var writer = new StreamWriter(http.Response.Body);
        await AuditEventFhir.WriteNdjsonAsync(entries, writer, cancellationToken);
        return Results.Empty;
    }

    private static (AuditQuery? Query, Dictionary<string, string[]> Errors) Query(string? practice, string? patient, string? from, string? to, int? limit, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var fromAt = Instant(from, "from", errors);
        var toAt = Instant(to, "to", errors);
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Ask for 1 to {MaxLimit} entries."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        // The policy already refused a practice the caller does not cover; without one, an admin of some practices sees only those.
        var user = CareflowClaims.User(http.User)!;
        IReadOnlyCollection<string>? practices = practice is not null ? [practice] : user.AllPractices ? null : user.Practices;
        return (new AuditQuery(practices, patient, fromAt, toAt, limit ?? DefaultLimit), errors);
    }

    private static DateTimeOffset? Instant(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors[field] = [$"'{field}' is not a time; write ISO 8601, e.g. 2026-12-01 or 2026-12-01T08:00:00Z."];
        return null;
    }
}
