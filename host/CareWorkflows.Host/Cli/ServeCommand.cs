using System.CommandLine;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Host.Hosting;

namespace CareWorkflows.Host.Cli;

/// <summary><c>careflow serve</c>: the host with its API, on the embedded SQLite store.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder for the database and logs.", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("serve", "Run the careflow host: REST API under /api, OpenAPI at /api/openapi.json, health at /api/health.")
        {
            urls, data, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ServeOptions(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
                DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules),
                parse.GetValue(urls)!,
                parse.GetValue(data)!.FullName);
            WebApplication app;
            try
            {
                app = CareflowApp.Build(options);
            }
            catch (DefinitionException ex)
            {
                ex.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("careflow will not start with definitions that do not validate. Fix the problems above (careflow validate).");
                return 1;
            }

            await app.StartAsync(cancellationToken);
            Console.Out.WriteLine($"careflow is running.");
            Console.Out.WriteLine($"  API:         {options.Urls}/api  (OpenAPI: {options.Urls}/api/openapi.json, health: {options.Urls}/api/health)");
            Console.Out.WriteLine($"  definitions: {options.WorkflowsDirectory}, {options.RulesDirectory}");
            Console.Out.WriteLine($"  logs:        {Path.Join(options.DataDirectory, "logs")}");
            Console.Out.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
