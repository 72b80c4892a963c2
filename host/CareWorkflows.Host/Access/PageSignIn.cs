using System.Security.Claims;
using CareWorkflows.Engine.Access;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace CareWorkflows.Host.Access;

/// <summary>
/// Sign-in for the web pages: the user pastes an API key once; the session cookie (HttpOnly, SameSite=Strict, Secure
/// over HTTPS, encrypted by ASP.NET Core data protection) carries that key, and every request checks it against the
/// store again, so the pages see the same caller, role, practices and revocations as the API. /api never reads the
/// cookie: API clients send the key in a header.
/// </summary>
internal static class PageSignIn
{
    public const string Scheme = "page-session";
    public const string CookieName = "careflow_session";
    public const string LoginPath = "/login";
    private const string KeyClaim = "careflow:key";

    /// <summary>True when the request is for the pages (not /api) and carries no key header: the session cookie decides.</summary>
    public static bool IsPageRequest(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) && ApiKeyAuthentication.Presented(context.Request) is null;
    }

    public static AuthenticationBuilder AddPageSessions(this AuthenticationBuilder authentication) =>
        authentication.AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = LoginPath;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(10);
            // The key is re-checked on every request instead; a renewed cookie would only move the expiry.
            cookie.SlidingExpiration = false;
            cookie.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ValidateAsync,
                // A browser is sent to the sign-in page; a script that asked for a page without a key gets the API's 401.
                OnRedirectToLogin = context => context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
                    ? RedirectAsync(context)
                    : AccessProblems.WriteUnauthorizedAsync(context.HttpContext, $"Sign in at {LoginPath} with an API key, or send one: 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."),
            };
        });

    /// <summary>Signs the caller of <paramref name="key"/> in; false when the key is unknown or revoked.</summary>
    public static async Task<bool> SignInAsync(HttpContext context, string key)
    {
        ArgumentNullException.ThrowIfNull(context);
        var keys = context.RequestServices.GetRequiredService<ApiKeyStore>();
        if (await ApiKeyAuthentication.UserAsync(keys, key, context.RequestAborted) is not { } user)
        {
            return false;
        }

        await context.SignInAsync(Scheme, Principal(user, key));
        return true;
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var keys = context.HttpContext.RequestServices.GetRequiredService<ApiKeyStore>();
        if (context.Principal?.FindFirst(KeyClaim)?.Value is not { } key
            || await ApiKeyAuthentication.UserAsync(keys, key, context.HttpContext.RequestAborted) is not { } user)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        // The role and practices are the key's as they are now, not as they were at sign-in.
        context.ReplacePrincipal(Principal(user, key));
    }

    private static ClaimsPrincipal Principal(CareflowUser user, string key)
    {
        var principal = CareflowClaims.Principal(user, Scheme);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(KeyClaim, key));
        return principal;
    }
}
