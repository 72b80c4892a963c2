using System.Text.Encodings.Web;
using CareWorkflows.Engine.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CareWorkflows.Host.Access;

/// <summary>
/// Authenticates <c>Authorization: Bearer cfk_…</c> or <c>X-Api-Key: cfk_…</c> against the hashed keys in the
/// store. A missing, malformed, unknown or revoked key is answered 401 with a problem naming the header.
/// </summary>
internal sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-key";
    public const string ApiKeyHeader = "X-Api-Key";

    private const string Missing = "Send an API key: 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'. An admin creates one with 'careflow keys create --role ROLE --practice P'.";

    /// <summary>The key presented, and the header it came in; null when the request carries none.</summary>
    public static (string Key, string Header)? Presented(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers[ApiKeyHeader] is [{ Length: > 0 } key])
        {
            return (key.Trim(), ApiKeyHeader);
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? (authorization["Bearer ".Length..].Trim(), "Authorization")
            : null;
    }

    /// <summary>The caller a key stands for; null when it is unknown or revoked. Keys are checked on every request: a revocation counts at once.</summary>
    public static async Task<CareflowUser?> UserAsync(ApiKeyStore keys, string presented, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return await keys.VerifyAsync(presented, cancellationToken) is { } key ? new CareflowUser($"key:{key.Id}", key.Name, key.Role, key.Practices) : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Presented(Request) is not { } presented)
        {
            return AuthenticateResult.NoResult();
        }

        if (ApiKey.Parse(presented.Key) is null)
        {
            return AuthenticateResult.Fail($"The {presented.Header} header does not hold a careflow API key (they start with '{ApiKey.Prefix}'){(JwtAccess.IsConfigured(Context) ? " and the token is not a valid JWT" : "")}.");
        }

        if (await UserAsync(keys, presented.Key, Context.RequestAborted) is not { } user)
        {
            return AuthenticateResult.Fail($"The API key in the {presented.Header} header is unknown or revoked. Ask an admin for a current key (careflow keys list shows them).");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(CareflowClaims.Principal(user, SchemeName), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await AccessProblems.WriteUnauthorizedAsync(Context, result.Failure?.Message ?? Missing);
    }
}
