using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Interop.Hl7v2;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Records;
using CareWorkflows.Engine.Records.Billing;
using CareWorkflows.Engine.Reminders;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Engine.Scheduling;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Api;
using CareWorkflows.Host.Audit;
using CareWorkflows.Host.Pages;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace CareWorkflows.Host.Hosting;

/// <summary>Settings of one <c>careflow serve</c> process.</summary>
internal sealed record ServeOptions(string WorkflowsDirectory, string RulesDirectory, string Urls, string DataDirectory)
{
    /// <summary>How often due timers are swept.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Load the demo practice's synthetic patients and events.</summary>
    public bool Demo { get; init; }

    /// <summary>Log at Debug level.</summary>
    public bool Verbose { get; init; }

    /// <summary>The TCP port of the HL7 v2 MLLP listener; null: no listener.</summary>
    public int? MllpPort { get; init; }

    /// <summary>The address the MLLP listener binds to.</summary>
    public string MllpAddress { get; init; } = "127.0.0.1";

    /// <summary>The HL7 v2 drop folder; null: none.</summary>
    public string? Hl7DropDirectory { get; init; }

    /// <summary>A JSON settings file read after appsettings.json (channels of reminder delivery ...).</summary>
    public string? ConfigFile { get; init; }

    /// <summary>An Npgsql connection string: the store (and Quartz, clustered) on PostgreSQL instead of the SQLite file; null: SQLite, or the config file's Storage:Postgres.</summary>
    public string? Postgres { get; init; }

    /// <summary>False keeps the reminder delivery worker off whatever the settings say (benchmarks measure the runtime alone).</summary>
    public bool DeliverReminders { get; init; } = true;

    public string DatabasePath => Path.Join(DataDirectory, "careflow.db");

    public string LogDirectory => Path.Join(DataDirectory, "logs");
}

/// <summary>Where a serve process keeps its data, for its first lines.</summary>
internal sealed record ServeStore(string Description);

/// <summary>Builds the web host: definitions, storage, Quartz, logging, API.</summary>
internal static partial class CareflowApp
{
    /// <summary>The settings key (in the --config file, or the environment as Storage__Postgres) that selects PostgreSQL.</summary>
    public const string PostgresKey = "Storage:Postgres";

    /// <summary>Builds the app and migrates its database; throws <see cref="DefinitionException"/> when the definitions do not load.</summary>
    public static async Task<WebApplication> BuildAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        var definitions = DefinitionLoader.LoadOrThrow(options.WorkflowsDirectory, options.RulesDirectory);
        // Checked at start like the definitions: time logs and reports need it (throws InvalidDataException).
        BillingRules.ForRules(options.RulesDirectory);
        Directory.CreateDirectory(options.DataDirectory);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        if (options.ConfigFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(options.ConfigFile), optional: false);
            // Environment variables (Reminders__Sms__AuthToken ...) still win, so secrets need not be in the file.
            builder.Configuration.AddEnvironmentVariables();
        }

        var postgres = options.Postgres ?? builder.Configuration[PostgresKey];
        var reminders = builder.Configuration.GetSection(ReminderOptions.Section).Get<ReminderOptions>() ?? new ReminderOptions();
        reminders.Deliver &= options.DeliverReminders;
        builder.Services.AddSerilog(config => config
            .MinimumLevel.Is(options.Verbose ? LogEventLevel.Debug : LogEventLevel.Information)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Quartz", LogEventLevel.Warning)
            // It warns that the page-session keys are stored unencrypted: they sit in the data folder beside the database, protected alike.
            .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(new CompactJsonFormatter(), Path.Join(options.LogDirectory, "careflow-.json"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new DefinitionHistory(definitions));
        if (string.IsNullOrWhiteSpace(postgres))
        {
            var connectionString = PersistenceSetup.SqliteConnectionString(options.DatabasePath);
            builder.Services.AddCareflowSqlite(connectionString);
            builder.Services.AddCareflowScheduling(connectionString, options.SweepInterval);
            builder.Services.AddSingleton(new ServeStore($"{options.DatabasePath} (SQLite)"));
        }
        else
        {
            // Throws ArgumentException naming what is wrong with the connection string.
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(PersistenceSetup.PostgresConnectionString(postgres));
            builder.Services.AddCareflowPostgres(postgres);
            builder.Services.AddCareflowPostgresScheduling(postgres, options.SweepInterval);
            builder.Services.AddSingleton(new ServeStore($"PostgreSQL {connection.Host}:{connection.Port}/{connection.Database} (Quartz clustered)"));
        }

        builder.Services.AddCareRecords(options.RulesDirectory);
        builder.Services.AddCareflowReminders(reminders);
        builder.Services.AddSingleton<DefinitionWatcher>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<DefinitionWatcher>());
        if (options.Demo)
        {
            builder.Services.AddHostedService<DemoData>();
        }

        builder.Services.AddSingleton<AdtFeed>();
        builder.Services.AddSingleton<Hl7Guard>();
        if (options.MllpPort is not null)
        {
            builder.Services.AddSingleton<MllpListener>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<MllpListener>());
        }

        if (options.Hl7DropDirectory is not null)
        {
            builder.Services.AddHostedService<Hl7DropFolder>();
        }

        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = RequestLimits.DescribeTooLarge);
        builder.Services.AddExceptionHandler<RequestLimits.BadRequestProblems>();
        builder.Services.AddExceptionHandler<StoreUnavailableProblems>();
        // A body that cannot be bound reaches BadRequestProblems, which says why, instead of an empty 400.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            json.SerializerOptions.MaxDepth = RequestLimits.MaxJsonDepth;
        });
        builder.Services.AddCareflowAccess(builder.Configuration);
        builder.Services.AddSingleton<TaskCompletion>();
        builder.Services.AddCareflowPages(options.DataDirectory);

        var app = builder.Build();
        await app.Services.GetRequiredService<RuntimeStore>().MigrateAsync(cancellationToken);
        var conflicts = await app.Services.GetRequiredService<DefinitionVersionStore>()
            .SyncAsync(app.Services.GetRequiredService<DefinitionHistory>(), definitions, cancellationToken);
        if (conflicts.Count > 0)
        {
            throw new DefinitionException(conflicts);
        }

        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(logging => logging.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0} ms");
        app.Use(async (context, next) =>
        {
            // The request's correlation id is in every log line written while it is handled.
            using (Serilog.Context.LogContext.PushProperty("RequestId", context.TraceIdentifier))
            {
                await next(context);
            }
        });
        app.UseRouting();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseRequestAudit();
        app.UseAuthorization();
        // The OpenAPI document, the start and sign-in pages and the stylesheet carry no data; everything else needs a key (docs/decisions/0019).
        app.MapOpenApi("/api/openapi.json").AllowAnonymous();
        app.MapCareflowPages();
        var api = app.MapGroup("/api").RequireAuthorization().LimitBody(RequestLimits.DefaultBodyBytes);
        api.MapHealthApi();
        api.MapDefinitionsApi();
        api.MapDiffApi();
        api.MapAuditApi();
        var practice = api.MapGroup("/practices/{practiceId}");
        practice.MapEventsApi();
        practice.MapTasksApi();
        practice.MapPatientsApi();
        practice.MapFhirApi();
        practice.MapHl7PracticeApi();
        api.MapHl7Api();
        practice.MapInteractionsApi();
        practice.MapCarePlanApi();
        practice.MapReferralsApi();
        practice.MapCareTeamApi();
        practice.MapListsApi();
        practice.MapReportsApi();
        practice.MapWhatIfApi();
        api.MapOrganizationReportsApi();
        practice.MapContactsApi();
        practice.MapGroupVisitsApi();

        foreach (var endpoint in PermissionEndpoints.Undeclared(app.Services.GetRequiredService<EndpointDataSource>()))
        {
            LogUndeclared(app.Logger, endpoint);
        }

        return app;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Endpoint {Endpoint} declares no permission: it answers 403 to everyone until its code calls RequirePermission(...)")]
    private static partial void LogUndeclared(Microsoft.Extensions.Logging.ILogger logger, string endpoint);
}
