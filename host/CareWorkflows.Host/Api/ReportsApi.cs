using CareWorkflows.Engine.Conformance;
using CareWorkflows.Engine.Reports;
using CareWorkflows.Engine.Runtime;
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

    /// <summary>Reports of the physician organization, across practices: GET /api/reports/conformance[?practice=P].</summary>
    public static RouteGroupBuilder MapOrganizationReportsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/reports/conformance", async Task<Results<FileContentHttpResult, ValidationProblem>> (string? practice, string? format, ConformanceReport conformance, DefinitionHistory definitions, CancellationToken cancellationToken) =>
            format is null or "json" or "csv"
                ? Answer(await conformance.BuildAsync(definitions.Current, practice, cancellationToken), format)
                : FormatProblem())
            .WithName("ConformanceReport")
            .WithSummary("Per practice: which standard workflows it runs (standard or overlay), at which version, the fields its overlay changes, and the instances still on older versions. format=json (default) or csv. No patient data; without ?practice= it covers every practice and needs a PO-level key.")
            .RequirePermission(Permission.ReportsRead);
        return api;
    }

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> GetAsync(
        string practiceId, string report, string? month, string? format, HttpContext http, ReportRunner reports, ConformanceReport conformance, DefinitionHistory definitions,
        CancellationToken cancellationToken)
    {
        if (PatientLevelRefusal(http.User, report, practiceId) is { } refusal)
        {
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status403Forbidden, title: "This report lists patients.");
        }

        var knownFormat = format is null or "json" or "csv";
        if (report == ConformanceReport.Name)
        {
            return knownFormat ? Answer(await conformance.BuildAsync(definitions.Current, practiceId, cancellationToken), format) : FormatProblem();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!knownFormat)
        {
            errors["format"] = [FormatHint];
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

        return Answer(table, format);
    }

    /// <summary>
    /// Why the caller may not have this report, or null: members, ccm and tcm list patients one per row, so they need the
    /// care team's patients.read, not reports.read alone.
    /// </summary>
    public static string? PatientLevelRefusal(System.Security.Claims.ClaimsPrincipal principal, string report, string practiceId) =>
        PatientLevel.Contains(report) && CareflowClaims.User(principal) is { } user ? AccessPolicy.Refusal(user, Permission.PatientsRead, practiceId) : null;

    /// <summary>A report as CSV, and the name of the file to download it as.</summary>
    public static (byte[] Bytes, string FileName) Csv(ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var buffer = new MemoryStream();
        using (var writer = new StreamWriter(buffer, leaveOpen: true))
        {
            ReportFormats.WriteCsv(table, writer);
        }

        var name = string.Join('-', new[] { table.Report, table.Practice, table.Month }.Where(p => p.Length > 0)).Replace(' ', '-');
        return (buffer.ToArray(), $"{name}.csv");
    }

    private const string FormatHint = "Use format=json or format=csv (table is for the terminal: careflow report).";

    private static ValidationProblem FormatProblem() => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = [FormatHint] });

    /// <summary>A report as CSV (a download named after it) or JSON, the same for every report.</summary>
    private static FileContentHttpResult Answer(ReportTable table, string? format)
    {
        if (format == "csv")
        {
            var (bytes, name) = Csv(table);
            return TypedResults.File(bytes, "text/csv; charset=utf-8", name);
        }

        using var buffer = new MemoryStream();
        ReportFormats.WriteJson(table, buffer);
        return TypedResults.File(buffer.ToArray(), "application/json");
    }
}
