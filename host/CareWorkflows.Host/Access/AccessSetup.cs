using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CareWorkflows.Host.Access;

/// <summary>Registers authentication (API keys, optional JWT) and the deny-by-default permission policy.</summary>
internal static class AccessSetup
{
    private const string SelectingScheme = "careflow";

    public static IServiceCollection AddCareflowAccess(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<JwtAccessOptions>().Bind(configuration.GetSection(JwtAccessOptions.Section))
            .ValidateDataAnnotations()
            .Validate(o => !o.Enabled || o.Audience is not null, $"{JwtAccessOptions.Section}:Audience is required when JWT sign-in is configured: set it to the audience your identity provider issues tokens for.")
            .Validate(o => o.Authority is null || o.SigningKey is null, $"Set either {JwtAccessOptions.Section}:Authority (OIDC) or {JwtAccessOptions.Section}:SigningKey, not both.")
            .ValidateOnStart();
        services.AddAuthentication(SelectingScheme)
            .AddPolicyScheme(SelectingScheme, "API key, JWT or page session", scheme => scheme.ForwardDefaultSelector = context =>
                PageSignIn.IsPageRequest(context) ? PageSignIn.Scheme
                : ApiKeyAuthentication.Presented(context.Request) is { Header: "Authorization" } presented
                && JwtAccess.LooksLikeJwt(presented.Key) && JwtAccess.IsConfigured(context)
                    ? JwtAccess.Scheme
                    : ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddJwtBearer(JwtAccess.Scheme)
            .AddPageSessions();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>>(provider => new ConfigureNamedOptions<JwtBearerOptions>(JwtAccess.Scheme,
            bearer => JwtAccess.Configure(bearer, provider.GetRequiredService<IOptions<JwtAccessOptions>>().Value)));

        var policy = new AuthorizationPolicyBuilder(SelectingScheme).RequireAuthenticatedUser().AddRequirements(new PermissionRequirement()).Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(policy)
            // Endpoints mapped outside the /api group get the same policy: no permission declared means 403.
            .SetFallbackPolicy(policy);
        services.AddSingleton<IAuthorizationHandler, PermissionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AccessResultHandler>();
        return services;
    }
}
