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
        var mllpPort = new Option<int?>("--mllp-port") { Description = "Listen for HL7 v2 ADT messages over MLLP on this TCP port (the registered HL7 port is 2575). Off when not given." };
        var mllpAddress = new Option<string>("--mllp-address") { Description = "The address the MLLP listener binds to; 0.0.0.0 for every interface.", DefaultValueFactory = _ => "127.0.0.1" };
        var hl7Drop = new Option<DirectoryInfo?>("--hl7-drop") { Description = "Take HL7 v2 ADT messages from *.hl7 files put in this folder (created if missing); taken files move to processed/ or rejected/ with their ACKs." };
        var postgres = new Option<string?>("--postgres") { Description = "Keep the store on PostgreSQL instead of the SQLite file, e.g. \"Host=127.0.0.1;Port=5432;Database=careflow;Username=careflow\". Several serve processes on one database share the patients (README, 'Several nodes on PostgreSQL'). Also Storage:Postgres in the --config file." };
        var config = new Option<FileInfo?>("--config") { Description = "A JSON settings file read after appsettings.json, e.g. the Reminders section with the SMTP server, SMS gateway and portal webhook (README)." };
        var workflows = DefinitionFolders.WorkflowsOption();
        var rules = DefinitionFolders.RulesOption();
        var command = new Command("serve", "Run the careflow host: REST API under /api, OpenAPI at /api/openapi.json, health at /api/health. Data lives in one SQLite file; no setup needed.")
        {
            urls, data, demo, sweep, verbose, mllpPort, mllpAddress, hl7Drop, config, postgres, workflows, rules,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(config) is { Exists: false } missing)
            {
                Console.Error.WriteLine($"--config {missing.FullName}: no such file.");
                return 2;
            }

            if (parse.GetValue(sweep) is < 0.05 or > 3600)
            {
                Console.Error.WriteLine("--sweep-seconds must be between 0.05 and 3600.");
                return 2;
            }

            if (parse.GetValue(mllpPort) is < 1 or > 65535)
            {
                Console.Error.WriteLine("--mllp-port must be a TCP port between 1 and 65535 (2575 is the registered HL7 port).");
                return 2;
            }

            if (!System.Net.IPAddress.TryParse(parse.GetValue(mllpAddress), out _))
            {
                Console.Error.WriteLine($"--mllp-address '{parse.GetValue(mllpAddress)}' is not an IP address. Use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).");
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
                MllpPort = parse.GetValue(mllpPort),
                MllpAddress = parse.GetValue(mllpAddress)!,
                Hl7DropDirectory = parse.GetValue(hl7Drop)?.FullName,
                ConfigFile = parse.GetValue(config)?.FullName,
                Postgres = parse.GetValue(postgres),
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
            catch (ArgumentException ex) when (ex.ParamName == "connectionString")
            {
                Console.Error.WriteLine($"--postgres: {ex.Message.Replace($" (Parameter '{ex.ParamName}')", "", StringComparison.Ordinal)}");
                return 2;
            }
            catch (Exception ex) when (Engine.Persistence.StoreOutage.Is(ex))
            {
                Console.Error.WriteLine($"careflow cannot reach its PostgreSQL database: {ex.Message}");
                Console.Error.WriteLine("Check that the server runs and that Host, Port, Database and Username in --postgres are right (pg_isready -h HOST -p PORT tells whether it answers).");
                return 1;
            }
            catch (InvalidDataException ex)
            {
                Console.Error.WriteLine(ex.Message);
                Console.Error.WriteLine("careflow will not start with billing rules it cannot read. Fix the file named above.");
                return 1;
            }

            var demoKey = options.Demo ? await DemoData.CreateKeyAsync(app.Services.GetRequiredService<Engine.Access.ApiKeyStore>(), cancellationToken) : null;
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (System.Net.Sockets.SocketException ex) when (options.MllpPort is not null)
            {
                Console.Error.WriteLine($"The MLLP listener cannot listen on {options.MllpAddress}:{options.MllpPort}: {ex.Message}. Choose another --mllp-port or stop what uses it.");
                return 1;
            }

            var address = app.Urls.FirstOrDefault() ?? options.Urls;
            Console.Out.WriteLine("careflow is running.");
            Console.Out.WriteLine($"  API:         {address}/api  (OpenAPI: {address}/api/openapi.json, health: {address}/api/health)");
            Console.Out.WriteLine($"  access:      every API call needs a key (careflow keys create --role ROLE --practice P --data {options.DataDirectory})");
            Console.Out.WriteLine($"  pages:       {address}/");
            Console.Out.WriteLine($"  database:    {app.Services.GetRequiredService<ServeStore>().Description}");
            Console.Out.WriteLine($"  logs:        {options.LogDirectory}");
            Console.Out.WriteLine($"  definitions: {options.WorkflowsDirectory}, {options.RulesDirectory} (reloaded when they change)");
            Console.Out.WriteLine(app.Services.GetService<MllpListener>()?.Endpoint is { } mllp
                ? $"  HL7 MLLP:    {mllp} (ADT A01, A03, A04, A08; each message answered with an ACK)"
                : "  HL7 MLLP:    off (--mllp-port PORT to listen)");
            Console.Out.WriteLine(options.Hl7DropDirectory is { } drop
                ? $"  HL7 drop:    {drop} (*.hl7 files; then processed/ or rejected/ with .ack files)"
                : "  HL7 drop:    off (--hl7-drop DIR to watch a folder)");
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
