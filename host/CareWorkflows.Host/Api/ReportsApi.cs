using CareWorkflows.Engine.Conformance;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Host.Reports;
using Microsoft.AspNetCore.Http.HttpResults;
using CareWorkflows.Host.Access;

namespace CareWorkflows.Host.Api;

/// <summary>The monthly reports, as careflow report writes them: GET .../reports/{name}?month=YYYY-MM&amp;format=csv|json.</summary>
internal static class ReportsApi
{
    private static readonly string[] PatientLevel = ["members", "ccm", "tcm"];

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder practice)
    {
        practice.MapGet("/reports/{report}", GetAsync).WithName("GetReport")
            .WithSummary("A monthly report: members, ccm, tcm, caseload, outreach, utilization, goals; or conformance (no month). month=YYYY-MM (practice-local), format=json (default) or csv. Columns: docs/reports.md.")
            .RequirePermission(Permission.ReportsRead);
        return practice;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        string practiceId, string report, string? month, string? format, HttpContext http, ReportRunner reports, ConformanceReport conformance, DefinitionHistory definitions,
        CancellationToken cancellationToken)
    {
        // members, ccm and tcm list patients one per row: they need the care team's patients.read, not reports.read alone.
        if (PatientLevel.Contains(report) && CareflowClaims.User(http.User) is { } user && AccessPolicy.Refusal(user, Permission.PatientsRead, practiceId) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "This report lists patients.");
        }

        if (report == "conformance" && format is null or "json" or "csv")
        {
            var rows = await conformance.BuildAsync(definitions.Current, practiceId, cancellationToken);
            return format == "csv"
                ? TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ConformanceOutput.Csv(rows)), "text/csv; charset=utf-8", $"conformance-{practiceId}.csv")
                : TypedResults.File(System.Text.Encoding.UTF8.GetBytes(ConformanceOutput.Json(rows)), "application/json");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (format is not (null or "json" or "csv"))
        {
            errors["format"] = ["Use format=json or format=csv (table is for the terminal: careflow report)."];
        }

        if (month is null)
        {
            errors["month"] = ["Give the month: month=YYYY-MM, e.g. 2026-11 (practice-local calendar month)."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        ReportTable table;
        try
        {
            table = await reports.RunAsync(report, practiceId, month!, cancellationToken);
        }
        catch (ReportRequestException ex) when (ex.Field == "report")
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status404NotFound, title: "No such report.");
        }
        catch (ReportRequestException ex)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [ex.Field] = [ex.Message] });
        }
        catch (InvalidDataException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status500InternalServerError, title: "The billing rules (rules/codes/billing.yaml) cannot be read; fix the file.");
        }

        using var buffer = new MemoryStream();
        if (format == "csv")
        {
            await using (var writer = new StreamWriter(buffer, leaveOpen: true))
            {
                ReportFormats.WriteCsv(table, writer);
            }

            return TypedResults.File(buffer.ToArray(), "text/csv; charset=utf-8", $"{table.Report}-{practiceId}-{table.Month}.csv");
        }

        ReportFormats.WriteJson(table, buffer);
        return TypedResults.File(buffer.ToArray(), "application/json");
    }
}
