using Microsoft.Data.Sqlite;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// Reads careflow's SQLite file read-only (WAL lets it read while the process writes). Tables: inbox, tasks,
/// timers, reminders, instances, timeline; columns are the row classes' property names.
/// </summary>
public sealed class CareflowDatabase(string path) : ICareflowRows
{
    /// <summary>Every row of a query, each value as text (null as null).</summary>
    public async Task<IReadOnlyList<string?[]>> RowsAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The tests' own constant queries, no outside input.
        command.CommandText = sql;
#pragma warning restore CA2100
        return await ICareflowRows.ReadAsync(command);
    }

    /// <summary>The single number a COUNT(*) query gives.</summary>
    public async Task<long> CountAsync(string sql)
    {
        var rows = await RowsAsync(sql);
        return long.Parse(rows[0][0]!, System.Globalization.CultureInfo.InvariantCulture);
    }
}
