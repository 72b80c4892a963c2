using System.CommandLine;
using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Host.Cli;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench events|timers</c>: runs the real host on a fresh database on a loopback port and measures it
/// (DESIGN section 9): a table for people, or with --format json one object of named figures for scripts.
/// </summary>
internal static class BenchCommand
{
    public const int DefaultEvents = 20_000;
    public const int DefaultReminders = 50_000;
    public const int DefaultPatients = 100_000;

    public static Command Create()
    {
        var name = new Argument<string>("name")
        {
            Description = "events: POST events over HTTP in batches, 1 client then several, against raw SQLite inserts (the floor). "
                + "timers: schedule reminders all due at one instant and measure how late the sweeper fires them. "
                + "stratify: a synthetic member list through the enrollment rules, our path against a plain RulesEngine loop.",
        };
        name.AcceptOnlyFromAmong("events", "timers", "stratify");
        var format = new Option<string>("--format") { Description = "table: for people; json: one object of named figures, for scripts.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var data = new Option<DirectoryInfo?>("--data")
        {
            HelpName = "DIR",
            Description = "Keep the bench databases and logs in a new sub-folder of this folder (default: a temporary folder, deleted afterwards).",
        };
        var count = new Option<int?>("--count")
        {
            HelpName = "N",
            Description = $"How many events (events, default {DefaultEvents:N0}) or reminders (timers, default {DefaultReminders:N0}); smaller runs go faster.",
        };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 1_000_000)
            {
                result.AddError("--count must be between 1 and 1000000.");
            }
        });
        var batch = new Option<int>("--batch") { Description = "Events per POST.", DefaultValueFactory = _ => 100 };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > Api.EventRequests.MaxBatch)
            {
                result.AddError($"--batch must be between 1 and {Api.EventRequests.MaxBatch}.");
            }
        });
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (events: the second pass; timers: scheduling).", DefaultValueFactory = _ => 4 };
        clients.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--clients must be between 1 and 64.");
            }
        });
        var command = new Command("bench", "Measure the engine on this machine: 'bench events' (events/s and latency per batch against the raw SQLite floor), 'bench timers' (a burst of reminders due at one instant) or 'bench stratify' (a whole panel through the enrollment rules against a plain RulesEngine loop).")
        {
            name, format, data, count, batch, clients,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(name)!;
            var json = parse.GetValue(format) == "json";
            var stamp = TimeProvider.System.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var keep = parse.GetValue(data);
            var root = keep is null
                ? Path.Join(Path.GetTempPath(), $"careflow-bench-{which}-{stamp}-{Guid.NewGuid():N}")
                : Path.Join(keep.FullName, $"bench-{which}-{stamp}-{Guid.NewGuid().ToString("N")[..6]}");
            var settings = new BenchSettings(
                root,
                parse.GetValue(count) ?? which switch { "events" => DefaultEvents, "stratify" => DefaultPatients, _ => DefaultReminders },
                parse.GetValue(batch),
                parse.GetValue(clients),
                DefinitionFolders.Resolve("workflows"),
                DefinitionFolders.Resolve("rules"),
                json ? TextWriter.Null : Console.Error);

            // The host logs every request to the console; the bench's own output is its table or JSON only.
            var stdout = Console.Out;
            Console.SetOut(TextWriter.Null);
            BenchReport report;
            try
            {
                Directory.CreateDirectory(root);
                report = which switch
                {
                    "events" => await EventsBench.RunAsync(settings, cancellationToken),
                    "stratify" => await StratifyBench.RunAsync(settings, cancellationToken),
                    _ => await TimersBench.RunAsync(settings, cancellationToken),
                };
            }
            catch (DefinitionException ex)
            {
                Console.SetOut(stdout);
                ex.Errors.ToList().ForEach(e => Console.Error.WriteLine(e));
                Console.Error.WriteLine("The bench needs definitions that validate (careflow validate).");
                return 1;
            }
            catch (BenchFailedException ex)
            {
                Console.SetOut(stdout);
                Console.Error.WriteLine($"bench {which} failed: {ex.Message}");
                Console.Error.WriteLine($"The databases and logs are kept in {root}.");
                return 1;
            }
            finally
            {
                Console.SetOut(stdout);
            }

            if (json)
            {
                Console.Out.WriteLine(report.ToJson());
            }
            else
            {
                report.WriteTable();
            }

            if (report.Problems.Count > 0)
            {
                report.Problems.ToList().ForEach(p => Console.Error.WriteLine($"bench {which}: {p}"));
                Console.Error.WriteLine($"The databases and logs are kept in {root}.");
                return 1;
            }

            if (keep is null)
            {
                TryDelete(root);
            }
            else if (!json)
            {
                Console.Error.WriteLine($"Databases and logs kept in {root}.");
            }

            return 0;
        });
        return command;
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open (a log the host has not released yet) leaves the temporary folder behind; harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}

/// <summary>What one bench run is asked to do.</summary>
/// <param name="Root">A fresh folder for this run's databases and logs.</param>
/// <param name="Count">Events (events) or reminders (timers).</param>
/// <param name="Batch">Events per POST.</param>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="WorkflowsDirectory">The shipped workflows.</param>
/// <param name="RulesDirectory">The shipped rule sets.</param>
/// <param name="Progress">Where progress lines go (stderr for the table, nowhere for JSON).</param>
internal sealed record BenchSettings(string Root, int Count, int Batch, int Clients, string WorkflowsDirectory, string RulesDirectory, TextWriter Progress);

/// <summary>The bench could not do its work (the host refused events, did not start, ...).</summary>
internal sealed class BenchFailedException : Exception
{
    public BenchFailedException()
    {
    }

    public BenchFailedException(string message)
        : base(message)
    {
    }

    public BenchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
