using CareWorkflows.Engine.Interop;
using CareWorkflows.Engine.Interop.Codes;
using CareWorkflows.Engine.Interop.Fhir;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Audit;
using CareWorkflows.Host.Hosting;

namespace CareWorkflows.Host.Api;

/// <summary>
/// POST a FHIR R4 Bundle (transaction, batch, collection or searchset) of Patient, Condition, Observation,
/// Encounter, Appointment and Coverage resources: facts and events are derived and applied (docs/import.md).
/// The answer is an OperationOutcome: an error issue per refused entry (with its FHIRPath, e.g.
/// Bundle.entry[3].resource.period.end) and an information issue summing up the entries taken and events applied.
/// 200 when at least one entry was taken; 400 when the body is not a Bundle or no entry could be used.
/// </summary>
internal static partial class FhirApi
{
    public static RouteGroupBuilder MapFhirApi(this RouteGroupBuilder practice)
    {
        practice.MapPost("/fhir", ImportAsync)
            .WithName("PostFhirBundle")
            .WithSummary("Import a FHIR R4 Bundle (Patient, Condition, Observation, Encounter, Appointment, Coverage); answers an OperationOutcome naming every refused entry.")
            .Accepts<object>(FhirOutcome.MediaType, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: FhirOutcome.MediaType)
            .Produces(StatusCodes.Status400BadRequest, contentType: FhirOutcome.MediaType)
            .RequirePermission(Permission.PatientsWrite)
            .LimitBody(RequestLimits.FhirBodyBytes);
        return practice;
    }

    private static async Task<IResult> ImportAsync(
        string practiceId, HttpRequest request, ServeOptions options, RuntimeStore store, PatientIdentifierStore identifiers, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(FhirApi).FullName!);
        CodeSets codes;
        try
        {
            codes = CodeSets.ForRules(options.RulesDirectory);
        }
        catch (InvalidDataException ex)
        {
            LogCodeSetsMissing(logger, ex);
            return Results.Problem(title: "The code sets that map diagnoses to conditions cannot be read; nothing was imported.", detail: ex.Message, statusCode: StatusCodes.Status500InternalServerError);
        }

        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, cancellationToken);
        var importer = new FhirImporter(codes);
        var isBundle = importer.ReadBundle(body.GetBuffer().AsMemory(0, (int)body.Length), "");
        if (!isBundle || importer.Taken == 0 && (importer.Refused > 0 || importer.Entries == 0))
        {
            LogRefused(logger, practiceId, importer.Entries, importer.Refused);
            return Results.Text(FhirOutcome.Json(importer, null, null), FhirOutcome.MediaType, statusCode: StatusCodes.Status400BadRequest);
        }

        var result = FhirDerivation.Derive(importer, practiceId, time.GetUtcNow(), new FhirImportOptions());
        await identifiers.SetAsync(practiceId, result.Identifiers, cancellationToken);
        request.HttpContext.AuditPatients(result.Events.Select(e => e.PatientId));
        var applied = await ImportApplier.ApplyAsync(store, result.Events, null, cancellationToken);
        LogImported(logger, practiceId, importer.Taken, importer.Entries, importer.Refused, result.Patients, applied.Applied, applied.Duplicates, applied.Failed);
        return Results.Text(FhirOutcome.Json(importer, result, applied), FhirOutcome.MediaType, statusCode: StatusCodes.Status200OK);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR import for practice {PracticeId}: took {Taken} of {Entries} entries ({Refused} refused) for {Patients} patients; events {Applied} applied, {Duplicates} duplicate, {Failed} failed")]
    private static partial void LogImported(ILogger logger, string practiceId, int taken, int entries, int refused, int patients, int applied, int duplicates, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "FHIR import for practice {PracticeId} refused: not a readable Bundle, or none of its {Entries} entries usable ({Refused} refused)")]
    private static partial void LogRefused(ILogger logger, string practiceId, int entries, int refused);

    [LoggerMessage(Level = LogLevel.Error, Message = "FHIR import impossible: the code sets cannot be read")]
    private static partial void LogCodeSetsMissing(ILogger logger, Exception exception);
}
