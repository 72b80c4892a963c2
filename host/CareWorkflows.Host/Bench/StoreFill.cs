using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CareWorkflows.Host.Bench;

/// <summary>
/// Grows a SQLite store for bench B2's growth check: copies of a finished patient (and, one in ten, of a patient whose
/// instance idles at the wait) made by INSERT ... SELECT in SQL, with every row the engine wrote for them (patient,
/// instance, inbox, timers, reminders, list entries, timeline) under new ids. Far faster than running them through the
/// engine, and the rows are the engine's own.
/// </summary>
internal static class StoreFill
{
    private static readonly string[] Tables = ["patients", "instances", "inbox", "timers", "reminders", "list_entries", "timeline"];
    private static readonly string[] IdColumns = ["Id", "EventId", "InstanceId", "TaskId"];

    /// <summary>Adds copies of the two patients until the store holds <paramref name="target"/> instances; returns how many were added.</summary>
    public static int Fill(string databasePath, string finishedPatient, string idlePatient, int target, string salt)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false, DefaultTimeout = 60 }.ToString());
        connection.Open();
        var stored = Convert.ToInt32(Scalar(connection, """SELECT COUNT(*) FROM "instances" """), CultureInfo.InvariantCulture);
        var missing = Math.Max(0, target - stored);
        if (missing == 0)
        {
            return 0;
        }

        using var transaction = connection.BeginTransaction();
        var idle = missing / 10;
        foreach (var table in Tables)
        {
            Copy(connection, transaction, table, finishedPatient, missing - idle, $"fill{salt}f");
            Copy(connection, transaction, table, idlePatient, idle, $"fill{salt}i");
        }

        transaction.Commit();
        return missing;
    }

    private static void Copy(SqliteConnection connection, SqliteTransaction transaction, string table, string patient, int copies, string prefix)
    {
        if (copies == 0)
        {
            return;
        }

        var columns = new List<(string Name, string Expression)>();
        using (var info = connection.CreateCommand())
        {
            info.Transaction = transaction;
            info.CommandText = $"""SELECT "name", "type", "pk" FROM pragma_table_info('{table}')""";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                var (name, type, pk) = (reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
                if (pk > 0 && type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase))
                {
                    continue; // a rowid key numbers the copies itself
                }

                columns.Add((name, name == "PatientId" ? "@prefix || n.i || '-' || t.\"PatientId\""
                    : IdColumns.Contains(name) ? $"CASE WHEN t.\"{name}\" IS NULL THEN NULL ELSE @prefix || n.i || '-' || t.\"{name}\" END"
                    : $"t.\"{name}\""));
            }
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandTimeout = 0;
        insert.CommandText = $"""
            WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n LIMIT @copies),
              t AS MATERIALIZED (SELECT * FROM "{table}" WHERE "PatientId" = @patient)
            INSERT INTO "{table}" ({string.Join(',', columns.Select(c => $"\"{c.Name}\""))})
            SELECT {string.Join(',', columns.Select(c => c.Expression))} FROM n CROSS JOIN t
            """;
        insert.Parameters.AddWithValue("@copies", copies);
        insert.Parameters.AddWithValue("@patient", patient);
        insert.Parameters.AddWithValue("@prefix", prefix);
        insert.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
