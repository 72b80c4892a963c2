using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Tests.Interop;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CareWorkflows.Tests.Postgres;

/// <summary>
/// Two stores on one PostgreSQL database, as two nodes are: each keeps the patients it committed in memory, and
/// neither may ever apply an event to a copy the other has changed since; due timers fire once whichever node sweeps.
/// </summary>
[Collection(PostgresServerGroup.Name)]
[Trait("Category", "PostgreSQL")]
public sealed class PostgresStoreTests(PostgresServer server)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SubmitAsync_PatientWrittenByTheOtherNode_AppliedOnTheOthersCommitNotOnItsCache()
    {
        var database = await server.CreateDatabaseAsync("store_cache");
        await using var node1 = await InteropStore.CreateAsync(Now, postgres: database);
        await using var node2 = await InteropStore.CreateAsync(Now, postgres: database);

        await node1.Store.SubmitAsync([Updated("e1", ("hba1c", "7.0"))], CancellationToken.None);
        await node2.Store.SubmitAsync([Updated("e2", ("hba1c", "9.6"))], CancellationToken.None);
        await node1.Store.SubmitAsync([Updated("e3", ("ed-visits-6m", "1"))], CancellationToken.None);

        var patient = await node2.Queries.PatientAsync("demo", "pt-1", CancellationToken.None);
        Assert.NotNull(patient);
        Assert.Equal(9.6m, patient.Patient.Facts.Hba1c);
        Assert.Equal(1, patient.Patient.Facts.EdVisits6m);
    }

    [Fact]
    public async Task ClaimAsync_OnOneNode_AssigneeKeptWhenTheOtherNodeRewritesTheTask()
    {
        var database = await server.CreateDatabaseAsync("store_claim");
        await using var node1 = await InteropStore.CreateAsync(Now, postgres: database);
        await using var node2 = await InteropStore.CreateAsync(Now, postgres: database);
        await node2.Store.SubmitAsync([Updated("e1", ("conditions", "diabetes,hypertension"), ("hba1c", "9.6"), ("age", "64"))], CancellationToken.None);
        var created = await node2.Store.SubmitAsync([Discharged("e2", Now.AddHours(-2))], CancellationToken.None);
        var taskId = Assert.Single(created).TasksCreated[0];

        Assert.True(await node1.Store.ClaimAsync("demo", taskId, "cm-ana", CancellationToken.None));
        // node2 still has the patient in memory from its own commits; the claim raised the patient's epoch past them.
        await node2.Store.SubmitAsync([Discharged("e3", Now.AddHours(-1))], CancellationToken.None);

        var task = await node2.Queries.TaskAsync("demo", taskId, CancellationToken.None);
        Assert.NotNull(task);
        Assert.Equal("cm-ana", task.Assignee);
    }

    [Fact]
    public async Task FireDueTimersAsync_TwoNodesSweepingAtOnce_EachTimerFiresOnce()
    {
        var database = await server.CreateDatabaseAsync("store_timers");
        await using var node1 = await InteropStore.CreateAsync(Now, postgres: database);
        await using var node2 = await InteropStore.CreateAsync(Now, postgres: database);
        const int patients = 120;
        var events = Enumerable.Range(0, patients).SelectMany(i => new[]
        {
            Updated($"f{i}", ("conditions", "diabetes"), ("age", "70")) with { PatientId = $"pt-{i}", At = Now.AddDays(-8) },
            // Discharged a week ago: the contact task's due has passed, so a timer is due at once.
            Discharged($"d{i}", Now.AddDays(-7)) with { PatientId = $"pt-{i}" },
        }).ToList();
        await node1.Store.SubmitAsync(events, CancellationToken.None);
        var pending = await CountAsync(database, """SELECT COUNT(*) FROM "timers" WHERE "Status" = 'pending' AND "DueAt" <= '2026-11-24 15:00:00+00'""");
        Assert.True(pending >= patients, $"expected at least one due timer per patient, found {pending}");

        // Small batches so that both nodes sweep at the same time for several rounds.
        async Task<int> SweepAsync(RuntimeStore store)
        {
            var fired = 0;
            for (int n; (n = await store.FireDueTimersAsync(7, CancellationToken.None)) > 0;)
            {
                fired += n;
            }

            return fired;
        }

        var counts = await Task.WhenAll(Task.Run(() => SweepAsync(node1.Store)), Task.Run(() => SweepAsync(node2.Store)));

        // A fired timer may ask for another that is due too (an escalation's own due): every one fires, each once.
        var fired = await CountAsync(database, """SELECT COUNT(*) FROM "timers" WHERE "Status" = 'fired'""");
        Assert.True(fired >= pending, $"{fired} timers fired, {pending} were due");
        Assert.Equal(fired, counts.Sum());
        Assert.Equal(0, await CountAsync(database, """SELECT COUNT(*) FROM "timers" WHERE "Status" = 'pending' AND "DueAt" <= '2026-11-24 15:00:00+00'"""));
        Assert.Equal(fired, await CountAsync(database, """SELECT COUNT(*) FROM "inbox" WHERE "Type" = 'timer.fired' AND "Status" = 'done'"""));
        Assert.Equal(0, await CountAsync(database, """SELECT COUNT(*) FROM (SELECT "TaskId" FROM "timeline" WHERE "Type" = 'task.overdue' GROUP BY "TaskId" HAVING COUNT(*) > 1) AS twice"""));
    }

    [Fact]
    public async Task FenceAsync_EpochMovedSinceTheClaim_RefusesAndNothingCommits()
    {
        var database = await server.CreateDatabaseAsync("store_fence");
        await using var node = await InteropStore.CreateAsync(Now, postgres: database);
        await node.Store.SubmitAsync([Updated("e1", ("hba1c", "7.0"))], CancellationToken.None);
        var claims = new PatientClaims("test-node");

        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var claimed = await claims.ClaimAsync(connection, transaction, [("demo", "pt-1")], Now, CancellationToken.None);
        Assert.Equal(1, claimed[("demo", "pt-1")]);
        // As if another node had committed the patient between this node's claim and its commit.
        var stale = new Dictionary<(string, string), long> { [("demo", "pt-1")] = claimed[("demo", "pt-1")] - 1 };

        var refused = await Assert.ThrowsAsync<PatientClaimLostException>(() => claims.FenceAsync(connection, transaction, stale, stale.Keys, CancellationToken.None));
        Assert.Contains("nothing of it was stored", refused.Message, StringComparison.Ordinal);
        Assert.True(StoreOutage.Is(refused));
    }

    private static async Task<long> CountAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static WorkflowEvent Updated(string id, params (string Name, string Value)[] facts) => new()
    {
        EventId = id,
        PracticeId = "demo",
        PatientId = "pt-1",
        Type = "patient.updated",
        At = Now.AddDays(-4),
        Data = facts.ToDictionary(f => f.Name, f => f.Value),
    };

    private static WorkflowEvent Discharged(string id, DateTimeOffset at) => new()
    {
        EventId = id,
        PracticeId = "demo",
        PatientId = "pt-1",
        Type = "patient.discharged",
        At = at,
        Data = new Dictionary<string, string> { ["setting"] = "inpatient" },
    };
}
