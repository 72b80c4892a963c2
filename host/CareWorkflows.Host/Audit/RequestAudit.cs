using CareWorkflows.Engine.Audit;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Audit;

/// <summary>The patients one request touched; handlers add the ones a route does not name (a worklist, a batch).</summary>
internal sealed class PatientAccess
{
    private readonly HashSet<string> _patients = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Patients => _patients;

    public void Add(string patientId) => _patients.Add(patientId);

    public void AddRange(IEnumerable<string> patientIds) => _patients.UnionWith(patientIds);
}

/// <summary>
/// The audit entry of one request, until it is written: by <see cref="RequestAudit"/> before the answer starts, or
/// earlier by a handler that commits it with the request's own work (<see cref="Written"/>).
/// </summary>
internal sealed class PendingAudit(Func<int, AuditEntry> entry)
{
    public bool Written { get; private set; }

    /// <summary>The entry, for a handler that commits it itself; call <see cref="MarkWritten"/> once committed.</summary>
    public AuditEntry Entry(int status) => entry(status);

    public void MarkWritten() => Written = true;
}

/// <summary>
/// Audits every authenticated request to an endpoint that reads or writes patient data, refused ones included:
/// the entry is committed before the first byte of the answer goes out (Response.OnStarting), so a client never
/// sees an answer whose access was not recorded.
/// </summary>
internal static class RequestAudit
{
    public const string PatientRouteValue = "patientId";

    /// <summary>Records patients a handler read or wrote beyond the one in the route.</summary>
    public static void AuditPatients(this HttpContext context, IEnumerable<string> patientIds)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Features.Get<PatientAccess>()?.AddRange(patientIds);
    }

    public static IApplicationBuilder UseRequestAudit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        if (endpoint is null || PermissionEndpoints.Declared(context) is not { } declared || !AccessPolicy.IsPatientData(declared.Permission)
            || CareflowClaims.User(context.User) is not { } user)
        {
            await next(context);
            return;
        }

        var access = new PatientAccess();
        if (context.Request.RouteValues.TryGetValue(PatientRouteValue, out var patient) && patient?.ToString() is { Length: > 0 } patientId)
        {
            access.Add(patientId);
        }

        context.Features.Set(access);
        var trail = context.RequestServices.GetRequiredService<AuditTrail>();
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var pending = new PendingAudit(status => new AuditEntry(
            time.GetUtcNow(), user.Actor, user.Name, user.Role, PermissionEndpoints.RequestPractice(context),
            endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? endpoint.RoutePattern.RawText ?? "", context.Request.Method, context.Request.Path.Value ?? "",
            context.TraceIdentifier, status, [.. access.Patients]));
        context.Features.Set(pending);
        context.Response.OnStarting(() => pending.Written ? Task.CompletedTask : trail.AppendAsync(pending.Entry(context.Response.StatusCode), CancellationToken.None));
        await next(context);
    });
}
