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
        var data = new Option<DirectoryInfo>("--data") { Description = "Folder for the SQLite database and the logs (created if missing).", DefaultValueFactory = _ => new DirectoryInfo("careflow-data") };
        var demo = new Option<bool>("--demo") { Description = "Also load the demo practice's synthetic patients and events (never real data)." };
        var sweep = new Option<double>("--sweep-seconds") { Description = "How often due timers are swept, in seconds.", DefaultValueFactory = _ => 1.0 };
        var verbose = new Option<bool>("--verbose") { Description = "Log at Debug level." };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("serve", "Run the careflow host: REST API under /api, OpenAPI at /api/openapi.json, health at /api/health. Data lives in one SQLite file; no setup needed.")
        {
            urls, data, demo, sweep, verbose, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(sweep) is < 0.05 or > 3600)
            {
                Console.Error.WriteLine("--sweep-seconds must be between 0.05 and 3600.");
                return 2;
            }

            var options = new ServeOptions(
                DefinitionFolders.Display(parse.GetValue(workflows)!, parse, workflows),
                DefinitionFolders.Display(parse.GetValue(rules)!, parse, rules),
                parse.GetValue(urls)!,
                parse.GetValue(data)!.FullName)
            {
                Demo = parse.GetValue(demo),
                SweepInterval = TimeSpan.FromSeconds(parse.GetValue(sweep)),
                Verbose = parse.GetValue(verbose),
            };
            WebApplication app;
            try
            {
                app = await CareflowApp.BuildAsync(options, cancellationToken);
            }
            catch (DefinitionException ex)
            {
                ex.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("careflow will not start with definitions that do not validate. Fix the problems above (careflow validate).");
                return 1;
            }

            var demoKey = options.Demo ? await DemoData.CreateKeyAsync(app.Services.GetRequiredService<Engine.Access.ApiKeyStore>(), cancellationToken) : null;
            await app.StartAsync(cancellationToken);
            var address = app.Urls.FirstOrDefault() ?? options.Urls;
            Console.Out.WriteLine("careflow is running.");
            Console.Out.WriteLine($"  API:         {address}/api  (OpenAPI: {address}/api/openapi.json, health: {address}/api/health)");
            Console.Out.WriteLine($"  access:      every API call needs a key (careflow keys create --role ROLE --practice P --data {options.DataDirectory})");
            Console.Out.WriteLine($"  pages:       {address}/");
            Console.Out.WriteLine($"  database:    {options.DatabasePath} (SQLite)");
            Console.Out.WriteLine($"  logs:        {options.LogDirectory}");
            Console.Out.WriteLine($"  definitions: {options.WorkflowsDirectory}, {options.RulesDirectory} (reloaded when they change)");
            if (options.Demo)
            {
                Console.Out.WriteLine($"  demo:        practice 'demo' — try curl -H 'Authorization: Bearer {demoKey}' {address}/api/practices/demo/tasks");
                Console.Out.WriteLine($"  demo key:    {demoKey}  (admin of practice 'demo'; revoked at the next --demo start)");
            }

            Console.Out.WriteLine("Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }
}
