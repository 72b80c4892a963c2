using System.Security.Claims;

namespace CareWorkflows.Host.Access;

/// <summary>The claims both authentication schemes put on the caller, and the caller read back from them.</summary>
internal static class CareflowClaims
{
    public const string Actor = "careflow:actor";
    public const string Name = "careflow:name";
    public const string Role = "careflow:role";
    public const string Practice = "careflow:practice";

    public static ClaimsPrincipal Principal(CareflowUser user, string scheme)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim> { new(Actor, user.Actor), new(Name, user.Name), new(Role, user.Role) };
        claims.AddRange(user.Practices.Select(p => new Claim(Practice, p)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, Name, Role));
    }

    /// <summary>The caller, or null when the request is not authenticated.</summary>
    public static CareflowUser? User(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true || principal.FindFirst(Role)?.Value is not { } role)
        {
            return null;
        }

        return new CareflowUser(
            principal.FindFirst(Actor)?.Value ?? "unknown",
            principal.FindFirst(Name)?.Value ?? "",
            role,
            [.. principal.FindAll(Practice).Select(c => c.Value)]);
    }
}
