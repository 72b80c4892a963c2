using System.CommandLine;
using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Host.Cli;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench all|b0|b1|b2|b3|b4|events</c>: measures the engine on this machine (DESIGN section 9, issue 9): a
/// table for people, or with --format json named figures for scripts (one object per bench, keyed B0 ... B4, for all).
/// </summary>
internal static class BenchCommand
{
    public const int DefaultEvents = 20_000;
    public const int DefaultReminders = 50_000;
    public const int DefaultPatients = 100_000;
    public const int DefaultRows = 20_000;
    public const int DefaultInstances = 10_000;
    public const int DefaultStoredInstances = 1_000_000;

    private static readonly string[] Suite = ["b0", "b1", "b2", "b3", "b4"];

    public static Command Create()
    {
        var name = new Argument<string>("name")
        {
            Description = "all: B0 to B4 in one run, one table. "
                + "b0: the floor, plain inserts into SQLite (WAL, synchronous FULL and NORMAL, one row and 1,000 rows a transaction) and PostgreSQL (one row a transaction, binary COPY). "
                + "b1 (or stratify): a synthetic member list through the enrollment rules: ours, a plain RulesEngine loop, hand-written C# lambdas. "
                + "b2: a six-step workflow with a wait and a timer: ours in memory, on SQLite (and PostgreSQL) against WorkflowCore 3.22 in memory. "
                + "b3 (or timers): reminders all due at one instant through our sweeper, against one Quartz trigger each. "
                + "b4: one node against two on one PostgreSQL database (needs --postgres). "
                + "events: POST events over HTTP in batches against the raw SQLite floor.",
        };
        name.AcceptOnlyFromAmong(["all", .. Suite, "events", "timers", "stratify"]);
        var format = new Option<string>("--format") { Description = "table: for people; json: named figures, for scripts.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var data = new Option<DirectoryInfo?>("--data")
        {
            HelpName = "DIR",
            Description = "Keep the bench databases and logs in a new sub-folder of this folder (default: a temporary folder, deleted afterwards).",
        };
        var count = new Option<int?>("--count")
        {
            HelpName = "N",
            Description = $"The size of each bench run: rows (b0, default {DefaultRows:N0}), patients (b1, {DefaultPatients:N0}), instances (b2, b4, {DefaultInstances:N0}), "
                + $"reminders (b3, {DefaultReminders:N0}), events (events, {DefaultEvents:N0}); with all, every bench takes N. Smaller runs go faster.",
        };
        count.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1 or > 1_000_000)
            {
                result.AddError("--count must be between 1 and 1000000.");
            }
        });
        var stored = new Option<int>("--stored")
        {
            HelpName = "N",
            Description = $"b2: grow the SQLite store to N instances for the growth check (default {DefaultStoredInstances:N0}; a smaller store goes faster).",
            DefaultValueFactory = _ => DefaultStoredInstances,
        };
        stored.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < ThroughputBench.SmallStore or > 10_000_000)
            {
                result.AddError($"--stored must be between {ThroughputBench.SmallStore} and 10000000.");
            }
        });
        var postgres = new Option<string?>("--postgres")
        {
            HelpName = "CONNSTR",
            Description = "A PostgreSQL connection string (Host=...;Username=...;Database=...) for the PostgreSQL rows of b0, b2 and b4; without it they say 'not run'. "
                + "b0 creates and drops a table of its own in that database; b2 and b4 create a database careflow_bench_<id> a pass and drop it, so the role needs CREATEDB.",
        };
        var batch = new Option<int>("--batch") { Description = "Events per POST (events, b3) or per transaction (b2).", DefaultValueFactory = _ => 100 };
        batch.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > Api.EventRequests.MaxBatch)
            {
                result.AddError($"--batch must be between 1 and {Api.EventRequests.MaxBatch}.");
            }
        });
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (events: the second pass; b3: scheduling).", DefaultValueFactory = _ => 4 };
        clients.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 64)
            {
                result.AddError("--clients must be between 1 and 64.");
            }
        });
        var command = new Command("bench", "Measure the engine on this machine: 'bench all' runs B0 (the floor) to B4 (several nodes) and prints one table; 'bench b2' and the others run one. See the README's benchmark section.")
        {
            name, format, data, count, stored, postgres, batch, clients,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var which = parse.GetValue(name)!;
            var benches = which switch
            {
                "all" => Suite,
                "stratify" => ["b1"],
                "timers" => ["b3"],
                _ => [which],
            };
            var json = parse.GetValue(format) == "json";
            var stamp = TimeProvider.System.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            var keep = parse.GetValue(data);
            var root = keep is null
                ? Path.Join(Path.GetTempPath(), $"careflow-bench-{which}-{stamp}-{Guid.NewGuid():N}")
                : Path.Join(keep.FullName, $"bench-{which}-{stamp}-{Guid.NewGuid().ToString("N")[..6]}");
            var settings = new BenchSettings(
                root,
                0,
                parse.GetValue(batch),
                parse.GetValue(clients),
                DefinitionFolders.Resolve("workflows"),
                DefinitionFolders.Resolve("rules"),
                Console.Error)
            {
                Postgres = parse.GetValue(postgres),
                StoredInstances = parse.GetValue(stored),
            };

            // The host logs every request to the console; the bench's own output is its table or JSON only.
            var stdout = Console.Out;
            Console.SetOut(TextWriter.Null);
            var reports = new List<BenchReport>();
            var current = benches[0];
            try
            {
                Directory.CreateDirectory(root);
                foreach (var bench in benches)
                {
                    current = bench;
                    var these = settings with { Count = parse.GetValue(count) ?? DefaultCount(bench) };
                    reports.Add(bench switch
                    {
                        "b0" => await FloorBench.RunAsync(these, cancellationToken),
                        "b1" => await StratifyBench.RunAsync(these, cancellationToken),
                        "b2" => await ThroughputBench.RunAsync(these, cancellationToken),
                        "b3" => await QuartzEachBench.AddToAsync(await TimersBench.RunAsync(these, cancellationToken), these, cancellationToken),
                        "b4" => await NodesBench.RunAsync(these, cancellationToken),
                        _ => await EventsBench.RunAsync(these, cancellationToken),
                    });
                }
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
                Console.Error.WriteLine($"bench {current} failed: {ex.Message}");
                Console.Error.WriteLine($"The databases and logs are kept in {root}.");
                return 1;
            }
            finally
            {
                Console.SetOut(stdout);
            }

            if (json)
            {
                Console.Out.WriteLine(which == "all" ? BenchReport.ToJson(reports) : reports[0].ToJson());
            }
            else
            {
                BenchReport.WriteTable(reports);
            }

            var problems = reports.SelectMany(r => r.Problems.Select(p => $"bench {r.Name}: {p}")).ToList();
            if (problems.Count > 0)
            {
                problems.ForEach(Console.Error.WriteLine);
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

    private static int DefaultCount(string bench) => bench switch
    {
        "b0" => DefaultRows,
        "b1" => DefaultPatients,
        "b2" or "b4" => DefaultInstances,
        "b3" => DefaultReminders,
        _ => DefaultEvents,
    };

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
/// <param name="Count">The size of the run: rows, patients, instances, reminders or events.</param>
/// <param name="Batch">Events per POST.</param>
/// <param name="Clients">Concurrent clients.</param>
/// <param name="WorkflowsDirectory">The shipped workflows.</param>
/// <param name="RulesDirectory">The shipped rule sets.</param>
/// <param name="Progress">Where progress lines go (stderr).</param>
internal sealed record BenchSettings(string Root, int Count, int Batch, int Clients, string WorkflowsDirectory, string RulesDirectory, TextWriter Progress)
{
    /// <summary>A PostgreSQL connection string, or null: the PostgreSQL figures are then not run.</summary>
    public string? Postgres { get; init; }

    /// <summary>Bench B2's grown store: instances stored for the growth check.</summary>
    public int StoredInstances { get; init; } = BenchCommand.DefaultStoredInstances;
}

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
