using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace CareWorkflows.Host.Access;

/// <summary>The one requirement of careflow's policy: the caller holds the endpoint's declared permission for the practice the request names.</summary>
internal sealed class PermissionRequirement : IAuthorizationRequirement;

/// <summary>Checks <see cref="PermissionRequirement"/> with <see cref="AccessPolicy"/>; an endpoint that declares no permission is refused.</summary>
internal sealed class PermissionHandler : AuthorizationHandler<PermissionRequirement, HttpContext>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement, HttpContext resource)
    {
        if (CareflowClaims.User(context.User) is not { } user)
        {
            return Task.CompletedTask;
        }

        var endpoint = resource.GetEndpoint();
        var refusal = PermissionEndpoints.Declared(resource) is { } declared
            ? AccessPolicy.Refusal(user, declared.Permission, PermissionEndpoints.RequestPractice(resource))
            : $"This endpoint ({(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? resource.Request.Path}) declares no permission, so it is refused to everyone. Its code must call RequirePermission(...).";
        if (refusal is null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, refusal));
        }

        return Task.CompletedTask;
    }
}

/// <summary>Writes a 403 problem with the policy's reason instead of an empty 403.</summary>
internal sealed class AccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden)
        {
            var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).ToList() ?? [];
            var reason = reasons.Count > 0 ? string.Join(" ", reasons) : "The caller's role or practices do not allow this.";
            return context.GetEndpoint()?.Metadata.GetMetadata<Pages.PageEndpoint>() is null
                ? AccessProblems.WriteForbiddenAsync(context, reason)
                : Pages.PageErrors.WriteForbiddenAsync(context, reason);
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
