using System.Text.Encodings.Web;
using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace CareWorkflows.Host.Pages;

/// <summary>Marks the endpoints of the web pages (a refusal is then an HTML page, not a JSON problem).</summary>
internal sealed record PageEndpoint;

/// <summary>
/// The permission a page needs, as the API's endpoints declare it with <c>RequirePermission</c>; <see cref="Method"/>
/// narrows it to one HTTP method (a page read with GET needs patients.read, its form's POST patients.write).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class PagePermissionAttribute(Permission permission) : Attribute
{
    public Permission Permission { get; } = permission;

    public string? Method { get; init; }
}

/// <summary>Registers and maps the server-rendered pages (Razor Pages), their stylesheet and their session cookie's keys.</summary>
internal static class PageSetup
{
    public const string StylesheetPath = "/assets/site.css";

    public static IServiceCollection AddCareflowPages(this IServiceCollection services, string dataDirectory)
    {
        services.AddRazorPages(pages => pages.Conventions.Add(new PagePermissions()));
        // The session cookie is encrypted with these keys; kept beside the database so a restart does not sign everyone out.
        services.AddDataProtection().SetApplicationName("careflow").PersistKeysToFileSystem(new DirectoryInfo(Path.Join(dataDirectory, "page-keys")));
        return services;
    }

    public static void MapCareflowPages(this WebApplication app)
    {
        app.MapRazorPages();
        var css = ReadStylesheet();
        app.MapGet(StylesheetPath, () => Results.Text(css, "text/css; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
    }

    private static string ReadStylesheet()
    {
        using var stream = typeof(PageSetup).Assembly.GetManifestResourceStream("CareWorkflows.Host.Pages.site.css")
            ?? throw new InvalidOperationException("The page stylesheet is not embedded in careflow.dll (Pages/site.css).");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Turns <see cref="PagePermissionAttribute"/> into the endpoint metadata the access policy and the audit read.</summary>
    private sealed class PagePermissions : IPageApplicationModelConvention
    {
        public void Apply(PageApplicationModel model)
        {
            model.EndpointMetadata.Add(new PageEndpoint());
            foreach (var declared in model.HandlerType.GetCustomAttributes(typeof(PagePermissionAttribute), inherit: true).Cast<PagePermissionAttribute>().OrderBy(p => p.Method is not null))
            {
                model.EndpointMetadata.Add(new RequiresPermission(declared.Permission) { Method = declared.Method });
            }
        }
    }
}

/// <summary>Refusals and missing things on the pages: an HTML page saying what is wrong and where to go.</summary>
internal static class PageErrors
{
    public static async Task WriteForbiddenAsync(HttpContext context, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(Html("Not allowed", reason));
    }

    /// <summary>A 404 page; <paramref name="message"/> says what was not found and how to find it.</summary>
    public static Microsoft.AspNetCore.Mvc.ContentResult NotFound(string message) => new()
    {
        StatusCode = StatusCodes.Status404NotFound,
        ContentType = "text/html; charset=utf-8",
        Content = Html("Not found", message),
    };

    private static string Html(string title, string message)
    {
        var html = HtmlEncoder.Default;
        return $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} — careflow</title><link rel="stylesheet" href="{PageSetup.StylesheetPath}"></head>
            <body><main class="page"><h1>{title}</h1><p role="alert">{html.Encode(message)}</p>
            <p><a href="/">Back to the start page</a> · <a href="{PageSignIn.LoginPath}">Sign in with another key</a></p></main></body></html>
            """;
    }
}
