using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// The write path's statements on SQLite, prepared once per batch through SQLitePCLRaw and bound by position.
/// Microsoft.Data.Sqlite looks every parameter up by name on every execution (sqlite3_bind_parameter_index) and
/// goes through a data reader; with ~12 statements an event of up to 25 parameters that was ~40 % of the write
/// phase (profile of <c>careflow bench events</c>). The connection, its open transaction and the SQL are the same.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, (sqlite3_stmt Statement, int[] Positions)> _prepared = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="sql"/>, whose parameters <c>@p0, @p1, ...</c> take <paramref name="values"/> in order.</summary>
    public void Execute(string sql, object?[] values)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        if (!_prepared.TryGetValue(sql, out var prepared))
        {
            Check(raw.sqlite3_prepare_v2(db, sql, out var compiled), db);
            prepared = (compiled, [.. Enumerable.Range(0, values.Length).Select(i => raw.sqlite3_bind_parameter_index(compiled, $"@p{i}"))]);
            _prepared[sql] = prepared;
        }

        var (statement, positions) = prepared;
        for (var i = 0; i < values.Length; i++)
        {
            var index = positions[i];
            Check(values[i] switch
            {
                null or DBNull => raw.sqlite3_bind_null(statement, index),
                // An empty span would reach SQLite as a null pointer, which it binds as NULL.
                "" => raw.sqlite3_bind_text(statement, index, ""),
                string text => raw.sqlite3_bind_text16(statement, index, text.AsSpan()),
                long number => raw.sqlite3_bind_int64(statement, index, number),
                int number => raw.sqlite3_bind_int64(statement, index, number),
                bool flag => raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0),
                double number => raw.sqlite3_bind_double(statement, index, number),
                var other => throw new ArgumentException($"Parameter @p{i} of a write statement has type {other.GetType().Name}, which the SQLite write path does not bind.", nameof(values)),
            }, db);
        }

        var done = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        raw.sqlite3_clear_bindings(statement);
        if (done != raw.SQLITE_DONE && done != raw.SQLITE_ROW)
        {
            SqliteException.ThrowExceptionForRC(done, db);
        }
    }

    public void Dispose()
    {
        foreach (var (statement, _) in _prepared.Values)
        {
            statement.Dispose();
        }

        _prepared.Clear();
    }

    private static void Check(int result, sqlite3 db)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, db);
        }
    }
}
