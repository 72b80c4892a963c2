using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// The floor: a plain Microsoft.Data.Sqlite loop that inserts the same events as rows of an inbox-shaped table into a
/// fresh WAL file (synchronous=FULL unless asked otherwise), one transaction per batch: the durable commit rate no
/// engine on this disk can beat.
/// </summary>
internal static class SqliteFloor
{
    /// <returns>Rows inserted per second.</returns>
    /// <param name="databasePath">A new file.</param>
    /// <param name="events">The rows.</param>
    /// <param name="batchSize">Rows a transaction; 1 is the single-row loop.</param>
    /// <param name="now">The received time of every row.</param>
    /// <param name="synchronous">SQLite's synchronous pragma: FULL (what the engine runs with) or NORMAL.</param>
    public static double RowsPerSecond(string databasePath, IReadOnlyList<BenchEvent> events, int batchSize, DateTimeOffset now, string synchronous = "FULL")
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(synchronous == "NORMAL" ? "NORMAL" : "FULL")};");
        Execute(connection, """
            CREATE TABLE inbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                event_id TEXT NOT NULL UNIQUE,
                practice_id TEXT NOT NULL,
                patient_id TEXT NOT NULL,
                type TEXT NOT NULL,
                at INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL)
            """);
        var payloads = events.Select(e => System.Text.Encoding.UTF8.GetString(e.ToJson())).ToList();

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO inbox (event_id, practice_id, patient_id, type, at, received_at, payload, status) VALUES ($id, $practice, $patient, $type, $at, $received, $payload, 'done')";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var practice = insert.Parameters.Add("$practice", SqliteType.Text);
        var patient = insert.Parameters.Add("$patient", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var received = insert.Parameters.Add("$received", SqliteType.Integer);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        var started = Stopwatch.GetTimestamp();
        for (var first = 0; first < events.Count; first += batchSize)
        {
            using var transaction = connection.BeginTransaction();
            insert.Transaction = transaction;
            for (var i = first; i < Math.Min(first + batchSize, events.Count); i++)
            {
                var e = events[i];
                id.Value = e.Id;
                practice.Value = BenchHost.Practice;
                patient.Value = e.Patient;
                type.Value = e.Type;
                at.Value = (e.At ?? now).ToUnixTimeMilliseconds();
                received.Value = now.ToUnixTimeMilliseconds();
                payload.Value = payloads[i];
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return events.Count / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    /// <summary>The inbox-shaped table's columns, for the PostgreSQL floor too.</summary>
    public static (string Id, string Practice, string Patient, string Type, long At, long Received, string Payload) Row(BenchEvent e, DateTimeOffset now) =>
        (e.Id, BenchHost.Practice, e.Patient, e.Type, (e.At ?? now).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(), System.Text.Encoding.UTF8.GetString(e.ToJson()));

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
