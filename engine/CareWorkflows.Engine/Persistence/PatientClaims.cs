using System.Data.Common;
using Npgsql;

namespace CareWorkflows.Engine.Persistence;

/// <summary>
/// How the nodes on one PostgreSQL take turns on a patient: a transaction that applies a patient's events first
/// locks the patient's <c>patient_claims</c> row (PostgreSQL row lock, taken in one order by every node, so two
/// batches never deadlock), and holds it until it commits or rolls back. The lock is the claim: a node that dies
/// loses it with its connection, and PostgreSQL hands the patient to the next node waiting. The row's epoch is the
/// fence: the commit raises it only where it is still the epoch the claim read, so a transaction that lost its
/// claim cannot commit, and a node's cached state of the patient is current exactly when its epoch is the row's.
/// </summary>
internal sealed class PatientClaims(string node)
{
    /// <summary>This node's name in the claim rows.</summary>
    public string Node => node;

    /// <summary>Locks the patients' claim rows for the transaction (waiting for any node holding one) and answers each patient's epoch.</summary>
    public async Task<Dictionary<(string PracticeId, string PatientId), long>> ClaimAsync(
        DbConnection connection, DbTransaction transaction, IEnumerable<(string PracticeId, string PatientId)> patients, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var keys = patients.Distinct().Order(KeyOrder.Instance).ToList();
        var epochs = new Dictionary<(string, string), long>(keys.Count);
        if (keys.Count == 0)
        {
            return epochs;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // ON CONFLICT DO UPDATE locks each existing row in input order and waits for its holder; new rows are inserted locked.
        command.CommandText = """
            INSERT INTO "patient_claims" ("PracticeId","PatientId","Epoch","Node","ClaimedAt")
            SELECT c.practice, c.patient, 0, @node, @now FROM unnest(@practices, @patients) WITH ORDINALITY AS c(practice, patient, n) ORDER BY c.n
            ON CONFLICT ("PracticeId","PatientId") DO UPDATE SET "Node" = excluded."Node", "ClaimedAt" = excluded."ClaimedAt"
            RETURNING "PracticeId","PatientId","Epoch"
            """;
        command.Parameters.Add(new NpgsqlParameter("node", node));
        command.Parameters.Add(new NpgsqlParameter("now", now.ToUniversalTime()));
        command.Parameters.Add(new NpgsqlParameter("practices", keys.Select(k => k.PracticeId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("patients", keys.Select(k => k.PatientId).ToArray()));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            epochs[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }

        return epochs;
    }

    /// <summary>
    /// Raises the epoch of every patient the transaction changed, where it is still the one claimed; answers the new epochs.
    /// Throws <see cref="PatientClaimLostException"/> (the caller rolls back) when any claim was lost meanwhile.
    /// </summary>
    public async Task<Dictionary<(string PracticeId, string PatientId), long>> FenceAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyDictionary<(string PracticeId, string PatientId), long> claimed, IEnumerable<(string PracticeId, string PatientId)> changed, CancellationToken cancellationToken)
    {
        var keys = changed.Distinct().Order(KeyOrder.Instance).ToList();
        var raised = new Dictionary<(string, string), long>(keys.Count);
        if (keys.Count == 0)
        {
            return raised;
        }

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            UPDATE "patient_claims" AS c SET "Epoch" = c."Epoch" + 1
            FROM unnest(@practices, @patients, @epochs) AS x(practice, patient, epoch)
            WHERE c."PracticeId" = x.practice AND c."PatientId" = x.patient AND c."Epoch" = x.epoch AND c."Node" = @node
            """;
        command.Parameters.Add(new NpgsqlParameter("node", node));
        command.Parameters.Add(new NpgsqlParameter("practices", keys.Select(k => k.PracticeId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("patients", keys.Select(k => k.PatientId).ToArray()));
        command.Parameters.Add(new NpgsqlParameter("epochs", keys.Select(k => claimed[k]).ToArray()));
        var updated = await command.ExecuteNonQueryAsync(cancellationToken);
        if (updated != keys.Count)
        {
            throw new PatientClaimLostException(keys.Count - updated);
        }

        foreach (var key in keys)
        {
            raised[key] = claimed[key] + 1;
        }

        return raised;
    }

    /// <summary>A name for this process among the nodes: host, process id and a random part (a restarted process is a new node).</summary>
    public static string NewNodeName() =>
        $"{Environment.MachineName}-{Environment.ProcessId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    /// <summary>Ordinal order: the same on every node, so claims are always taken in the same order.</summary>
    private sealed class KeyOrder : IComparer<(string PracticeId, string PatientId)>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare((string PracticeId, string PatientId) x, (string PracticeId, string PatientId) y)
        {
            var practice = string.CompareOrdinal(x.PracticeId, y.PracticeId);
            return practice != 0 ? practice : string.CompareOrdinal(x.PatientId, y.PatientId);
        }
    }
}

/// <summary>A transaction found that another node changed a patient it had claimed: it is rolled back and nothing of it is kept.</summary>
internal sealed class PatientClaimLostException(int lost)
    : Exception($"This node lost its claim on {lost} patient(s) before committing; the batch was rolled back and nothing of it was stored. Send it again.");
