using CareWorkflows.Engine.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Hosting;

/// <summary>
/// A request that failed because the store cannot be reached (PostgreSQL stopped, restarting, out of connections)
/// is answered 503 with Retry-After, never 200 or a bare 500: nothing of it was committed, and the same request sent
/// again later is applied once (event ids make resends safe).
/// </summary>
internal sealed partial class StoreUnavailableProblems(IProblemDetailsService problems, ILogger<StoreUnavailableProblems> logger) : IExceptionHandler
{
    /// <summary>What Retry-After says, in seconds.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreOutage.Is(exception))
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name, httpContext.Request.Method, httpContext.GetEndpoint()?.DisplayName ?? "(no endpoint)");
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The store is unavailable.",
                Detail = $"careflow cannot reach its database, so nothing of this request was stored or applied. Send the same request again in {RetryAfterSeconds} seconds (Retry-After); events already applied are answered 'duplicate'. GET /api/health says when the database is back.",
            },
        });
    }

    // The exception's message may quote SQL parameters; its type is enough to tell the outage.
    [LoggerMessage(Level = LogLevel.Warning, Message = "The store is unavailable ({ExceptionType}): {Method} {Endpoint} answered 503")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string method, string endpoint);
}
