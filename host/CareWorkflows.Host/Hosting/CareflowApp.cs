using CareWorkflows.Engine.Definitions;
using CareWorkflows.Host.Api;
using Serilog;
using Serilog.Formatting.Compact;

namespace CareWorkflows.Host.Hosting;

/// <summary>Settings of one <c>careflow serve</c> process.</summary>
internal sealed record ServeOptions(string WorkflowsDirectory, string RulesDirectory, string Urls, string DataDirectory);

/// <summary>Builds the web host: definitions, logging, API.</summary>
internal static class CareflowApp
{
    /// <summary>Builds the app; throws <see cref="DefinitionException"/> when the definitions do not load.</summary>
    public static WebApplication Build(ServeOptions options)
    {
        var definitions = DefinitionLoader.LoadOrThrow(options.WorkflowsDirectory, options.RulesDirectory);
        Directory.CreateDirectory(options.DataDirectory);
        var logFile = Path.Join(options.DataDirectory, "logs", "careflow-.json");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.Services.AddSerilog(config => config
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture)
            .WriteTo.File(new CompactJsonFormatter(), logFile, rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14));
        builder.Services.AddSingleton(definitions);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.MapOpenApi("/api/openapi.json");
        app.MapGroup("/api").MapDefinitionsApi();
        return app;
    }
}
