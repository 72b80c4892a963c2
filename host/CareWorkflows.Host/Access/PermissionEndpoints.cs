using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;

namespace CareWorkflows.Host.Access;

/// <summary>The permission an endpoint needs. An endpoint without it answers 403 to everyone.</summary>
/// <param name="Permission">What the caller must hold.</param>
internal sealed record RequiresPermission(Permission Permission)
{
    /// <summary>Only requests with this HTTP method need it (a page that is read with GET and changes data with POST); null: every method.</summary>
    public string? Method { get; init; }
}

/// <summary>The largest request body an endpoint takes; Kestrel stops reading past it and the answer is a 413 problem.</summary>
internal sealed record BodyLimit(long MaxRequestBodySize) : IRequestSizeLimitMetadata
{
    long? IRequestSizeLimitMetadata.MaxRequestBodySize => MaxRequestBodySize;
}

/// <summary>How endpoints declare what they need.</summary>
internal static class PermissionEndpoints
{
    /// <summary>The route value or query parameter that names the practice a request is for.</summary>
    public const string PracticeRouteValue = "practiceId";
    public const string PracticeQuery = "practice";

    /// <summary>Declares the permission the endpoint (or every endpoint of a group) needs.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiresPermission(permission));

    /// <summary>Limits the request body of the endpoint (or every endpoint of a group).</summary>
    public static TBuilder LimitBody<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    /// <summary>The permission the request needs: the last declared one that applies to its method; null when none is declared.</summary>
    public static RequiresPermission? Declared(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetOrderedMetadata<RequiresPermission>()
            .LastOrDefault(p => p.Method is null || string.Equals(p.Method, context.Request.Method, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The practice a request names: the route's {practiceId}, else ?practice=; null when it names none.</summary>
    public static string? RequestPractice(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.RouteValues.TryGetValue(PracticeRouteValue, out var value) && value?.ToString() is { Length: > 0 } routed)
        {
            return routed;
        }

        return context.Request.Query[PracticeQuery] is [{ Length: > 0 } queried] ? queried : null;
    }

    /// <summary>Route endpoints that neither declare a permission nor allow anonymous calls: they answer 403 to everyone.</summary>
    public static IReadOnlyList<string> Undeclared(EndpointDataSource endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<RequiresPermission>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(Describe)];
    }

    public static string Describe(RouteEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
        return $"{string.Join('|', methods)} /{endpoint.RoutePattern.RawText?.TrimStart('/')}";
    }
}
