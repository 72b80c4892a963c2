using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Access;

/// <summary>401 and 403 answers as problem details that say what is wrong and how to fix it; never any data.</summary>
internal static class AccessProblems
{
    public static Task WriteUnauthorizedAsync(HttpContext context, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, "The request is not authenticated.", detail);
    }

    public static Task WriteForbiddenAsync(HttpContext context, string detail) =>
        WriteAsync(context, StatusCodes.Status403Forbidden, "The caller may not do this.", detail);

    private static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
