using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace CareWorkflows.Host.Access;

/// <summary>
/// Optional JWT bearer (OIDC) sign-in, configured under <c>Careflow:Jwt</c> (appsettings.json or environment
/// variables such as <c>Careflow__Jwt__Authority</c>). The token's role and practices claims map onto the same
/// roles and practices as API keys.
/// </summary>
internal sealed class JwtAccessOptions
{
    public const string Section = "Careflow:Jwt";

    /// <summary>The OIDC issuer whose discovery document and signing keys are used, e.g. https://login.example.org/realms/po.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must carry (the API's client id).</summary>
    public string? Audience { get; set; }

    /// <summary>The issuer tokens must carry when <see cref="SigningKey"/> is used instead of an authority.</summary>
    public string? Issuer { get; set; }

    /// <summary>A shared HMAC-SHA256 secret (at least 32 characters) instead of an authority: for tests and closed set-ups.</summary>
    [MinLength(32)]
    public string? SigningKey { get; set; }

    [Required]
    public string RoleClaim { get; set; } = "careflow_role";

    /// <summary>One claim per practice, or one claim with practices separated by spaces or commas; <c>*</c> = PO level.</summary>
    [Required]
    public string PracticesClaim { get; set; } = "careflow_practices";

    [Required]
    public string NameClaim { get; set; } = "name";

    /// <summary>Whether metadata must come over HTTPS (keep true outside development).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => Authority is not null || SigningKey is not null;
}

/// <summary>Wires <see cref="JwtAccessOptions"/> into the JwtBearer handler.</summary>
internal static class JwtAccess
{
    public const string Scheme = "jwt";

    public static bool IsConfigured(HttpContext context) =>
        context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<JwtAccessOptions>>().Value.Enabled;

    /// <summary>True when the presented bearer token looks like a JWT (three dot-separated parts).</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2;

    public static void Configure(JwtBearerOptions bearer, JwtAccessOptions jwt)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        ArgumentNullException.ThrowIfNull(jwt);
        bearer.MapInboundClaims = false;
        bearer.Authority = jwt.Authority;
        bearer.Audience = jwt.Audience;
        bearer.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
        bearer.TokenValidationParameters.ValidAudience = jwt.Audience;
        bearer.TokenValidationParameters.ValidateAudience = true;
        if (jwt.SigningKey is { } secret)
        {
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret));
            bearer.TokenValidationParameters.ValidIssuer = jwt.Issuer;
            bearer.TokenValidationParameters.ValidateIssuer = jwt.Issuer is not null;
        }

        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                var token = context.Principal!;
                var role = token.FindFirst(jwt.RoleClaim)?.Value;
                if (role is null || !AccessPolicy.Roles.ContainsKey(role))
                {
                    context.Fail($"The token's '{jwt.RoleClaim}' claim must be one of {AccessPolicy.RoleList}.");
                    return Task.CompletedTask;
                }

                var practices = token.FindAll(jwt.PracticesClaim)
                    .SelectMany(c => c.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .Distinct(StringComparer.Ordinal).ToList();
                if (practices.Count == 0)
                {
                    context.Fail($"The token has no '{jwt.PracticesClaim}' claim: it must name the practices the user may see, or '*' for the PO.");
                    return Task.CompletedTask;
                }

                var subject = token.FindFirst("sub")?.Value ?? token.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "unknown";
                var user = new CareflowUser($"jwt:{subject}", token.FindFirst(jwt.NameClaim)?.Value ?? subject, role, practices);
                context.Principal = CareflowClaims.Principal(user, Scheme);
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                var reason = context.AuthenticateFailure is null
                    ? "Send a bearer token in the Authorization header."
                    : $"The bearer token in the Authorization header was refused: {Describe(context.AuthenticateFailure)}";
                await AccessProblems.WriteUnauthorizedAsync(context.HttpContext, reason);
            },
        };
    }

    // The library's messages (IDX10223 ...) carry the token's claims in some versions; ours say what to fix.
    private static string Describe(Exception failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired. Sign in again.",
        SecurityTokenInvalidAudienceException => "it is not for this API (audience). Request a token for the configured audience.",
        SecurityTokenInvalidIssuerException => "it comes from another issuer.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not verify.",
        AuthenticationFailureException => failure.Message,
        _ => "it is not a valid token.",
    };
}
