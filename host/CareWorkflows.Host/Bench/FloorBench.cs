namespace CareWorkflows.Host.Bench;

/// <summary>
/// <c>careflow bench b0</c>, the floor: how fast this disk takes plain inserts of inbox-shaped rows, with nothing of
/// the engine in the way. SQLite (WAL) at synchronous FULL (what the engine runs with) and NORMAL, one row a
/// transaction and 1,000 rows a transaction; PostgreSQL one row a transaction and one binary COPY, when given.
/// </summary>
internal static class FloorBench
{
    public const int BatchRows = 1_000;
    private const int Rounds = 3;

    public static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        var rows = BenchEvents.Care("f-", settings.Count, now);
        // Every single-row commit waits for the disk: a tenth of the rows says as much in a tenth of the time.
        var singles = rows.Take(Math.Max(100, settings.Count / 10)).ToList();
        var folder = Path.Join(settings.Root, "floor");
        Directory.CreateDirectory(folder);
        var file = 0;
        double Sqlite(IReadOnlyList<BenchEvent> events, int batch, string synchronous) =>
            Percentile.Median(Enumerable.Range(0, Rounds).Select(_ => SqliteFloor.RowsPerSecond(Path.Join(folder, $"floor-{file++}.db"), events, batch, now, synchronous)));

        var report = new BenchReport("b0", "the floor: plain inserts");
        report.Add("rows", "rows inserted (1,000 a transaction)", rows.Count);
        report.Add("single_rows", "rows inserted one a transaction", singles.Count);
        foreach (var synchronous in new[] { "FULL", "NORMAL" })
        {
            var name = synchronous.ToLowerInvariant();
            settings.Progress.WriteLine($"B0: SQLite WAL, synchronous={synchronous}: {singles.Count:N0} rows one a transaction, {rows.Count:N0} rows {BatchRows:N0} a transaction, {Rounds} rounds each...");
            report.Add($"sqlite_{name}_single_rows_per_second", $"SQLite WAL synchronous={synchronous}: rows/s, one a transaction (median of {Rounds})", Sqlite(singles, 1, synchronous));
            report.Add($"sqlite_{name}_batch_rows_per_second", $"SQLite WAL synchronous={synchronous}: rows/s, {BatchRows:N0} a transaction (median of {Rounds})", Sqlite(rows, BatchRows, synchronous));
        }

        if (settings.Postgres is null)
        {
            report.NotRun("postgres_single_rows_per_second", "PostgreSQL: rows/s, one a transaction", "give --postgres CONNSTR");
            report.NotRun("postgres_copy_rows_per_second", "PostgreSQL: rows/s, binary COPY", "give --postgres CONNSTR");
        }
        else
        {
            settings.Progress.WriteLine($"B0: PostgreSQL: {singles.Count:N0} rows one a transaction, {rows.Count:N0} rows by binary COPY, {Rounds} rounds each...");
            await using var postgres = await PostgresFloor.OpenAsync(settings.Postgres, cancellationToken);
            var single = new List<double>();
            var copy = new List<double>();
            for (var round = 0; round < Rounds; round++)
            {
                single.Add(await postgres.SingleRowsPerSecondAsync(singles, now, cancellationToken));
                copy.Add(await postgres.CopyRowsPerSecondAsync(rows, now, cancellationToken));
            }

            report.Add("postgres_single_rows_per_second", $"PostgreSQL: rows/s, one a transaction (median of {Rounds})", Percentile.Median(single));
            report.Add("postgres_copy_rows_per_second", $"PostgreSQL: rows/s, binary COPY (median of {Rounds})", Percentile.Median(copy));
            report.Add("postgres_synchronous_commit", "PostgreSQL synchronous_commit", postgres.SynchronousCommit);
        }

        report.Note("Rows are the events bench's inbox rows (about 300 bytes of JSON each) into a fresh table with a unique event id; each round on a new file or table.");
        return report;
    }
}
