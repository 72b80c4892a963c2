using System.Globalization;
using CareWorkflows.Tests.Integration;
using Npgsql;

namespace CareWorkflows.Tests.Postgres;

/// <summary>Reads careflow's tables on PostgreSQL as text rows, as <see cref="CareflowDatabase"/> does on SQLite.</summary>
internal sealed class PostgresRows(string connectionString) : ICareflowRows
{
    public async Task<IReadOnlyList<string?[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
#pragma warning disable CA2100 // The tests' own constant queries, no outside input.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return await ICareflowRows.ReadAsync(command);
    }

    public async Task<long> CountAsync(string sql) => long.Parse((await RowsAsync(sql))[0][0]!, CultureInfo.InvariantCulture);
}
