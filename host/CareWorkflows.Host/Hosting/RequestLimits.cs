using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// Limits on what a request may send: body size per endpoint (<see cref="Access.BodyLimit"/>, enforced by Kestrel
/// while reading) and JSON nesting depth; each refusal is a problem saying which limit and how to stay under it.
/// </summary>
internal static class RequestLimits
{
    /// <summary>Every /api endpoint unless it says otherwise: a full batch of events, a definition file.</summary>
    public const long DefaultBodyBytes = 1024 * 1024;

    /// <summary>A FHIR Bundle of a whole patient record (Synthea writes a few MB per patient).</summary>
    public const long FhirBodyBytes = 32L * 1024 * 1024;

    /// <summary>JSON bodies nested deeper than this are refused before they are read into objects.</summary>
    public const int MaxJsonDepth = 32;

    /// <summary>Answers 413 at once when the declared Content-Length is over the endpoint's limit, before the body is read.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is { } max && context.Request.ContentLength is { } length && length > max)
        {
            await WriteTooLargeAsync(context, $"The body is {length.ToString("N0", CultureInfo.InvariantCulture)} bytes; {context.Request.Path} takes at most {max.ToString("N0", CultureInfo.InvariantCulture)}. {Hint(context)}");
            return;
        }

        await next(context);
    });

    /// <summary>
    /// A 413 that Kestrel raised while the endpoint read a streamed body reaches the status-code pages without a
    /// detail; this fills in which limit it was.
    /// </summary>
    public static void DescribeTooLarge(ProblemDetailsContext problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (problem.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge && problem.ProblemDetails.Detail is null)
        {
            var limit = problem.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
            problem.ProblemDetails.Title = "The request body is too large.";
            problem.ProblemDetails.Detail = $"The body is larger than the {limit?.ToString("N0", CultureInfo.InvariantCulture) ?? "allowed"} bytes {problem.HttpContext.Request.Path} takes. {Hint(problem.HttpContext)}";
        }
    }

    private static string Hint(HttpContext context) =>
        context.Request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true
            ? "Split the batch into several posts."
            : "Split the content into several requests.";

    private static Task WriteTooLargeAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status413PayloadTooLarge, Title = "The request body is too large.", Detail = detail },
        }).AsTask();
    }

    /// <summary>
    /// A body that cannot be read (too large while streaming, malformed or too deeply nested JSON) becomes a problem
    /// with the reader's reason; the reason names a position, never a value.
    /// </summary>
    internal sealed class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }

            var reason = bad.InnerException is JsonException json ? $" {Position(json)}" : "";
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? new ProblemDetails { Status = bad.StatusCode }
                    : new ProblemDetails { Status = bad.StatusCode, Title = "The request body could not be read.", Detail = $"{bad.Message}{reason}" },
            });
        }

        // JsonException messages may quote the offending token; keep the reader's path and position only.
        private static string Position(JsonException json) =>
            json.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"The JSON is nested more than {MaxJsonDepth} levels deep (at {json.Path}); flatten it."
                : $"The JSON is not valid at {json.Path ?? "$"} (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";
    }
}
