using System.Data.Common;
using Npgsql;

namespace CareWorkflows.Engine.Persistence;

/// <summary>Tells a store that cannot be reached (PostgreSQL down, restarting, out of connections) from a request that is wrong.</summary>
internal static class StoreOutage
{
    /// <summary>True when <paramref name="exception"/>, or one it wraps, says the store is unavailable: nothing of the work was made durable and it may be sent again.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PatientClaimLostException:
                    return true;
                // 08: connection exception, 53: insufficient resources, 57: operator intervention (shutdown, cannot connect now).
                case PostgresException postgres when postgres.SqlState[..2] is "08" or "53" or "57" || postgres.IsTransient:
                    return true;
                case PostgresException:
                    return false;
                case NpgsqlException:
                case DbException { IsTransient: true }:
                    return true;
                default:
                    break;
            }
        }

        return false;
    }
}
