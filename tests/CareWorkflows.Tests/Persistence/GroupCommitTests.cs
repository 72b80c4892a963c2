using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;
using CareWorkflows.Tests.Interop;
using Microsoft.Data.Sqlite;

namespace CareWorkflows.Tests.Persistence;

/// <summary>
/// Submissions that arrive while the store's writer is busy are committed together by its next transaction. Each
/// submitter still gets the answer for its own events, a submission that breaks the shared transaction fails alone,
/// and the database file itself (not only its WAL) receives what was committed.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Submissions_queued_behind_a_transaction_share_the_next_one_and_each_gets_its_own_answer()
    {
        await using var serve = await InteropStore.CreateAsync(Now);
        var before = await GenerationAsync(serve.Folder);

        // A large batch holds the writer while ten small ones queue (each from a thread of its own, as requests come); all ten send one same event id.
        var large = HoldTheWriterAsync(serve.Store);
        await Task.Delay(50);
        var small = Enumerable.Range(0, 10)
            .Select(k => Task.Run(() => serve.Store.SubmitAsync([Discharged($"small-{k}", $"pt-s{k}"), Discharged("shared", "pt-shared")], CancellationToken.None)))
            .ToList();
        var answers = await Task.WhenAll(small);
        await large;

        var transactions = await GenerationAsync(serve.Folder) - before;
        Assert.InRange(transactions, 2, 6);
        Assert.All(answers, (answer, k) =>
        {
            Assert.Equal([$"small-{k}", "shared"], answer.Select(r => r.EventId));
            Assert.Equal(SubmissionStatus.Applied, answer[0].Status);
            Assert.NotEmpty(answer[0].TasksCreated);
        });
        Assert.Single(answers, a => a[1].Status == SubmissionStatus.Applied);
        Assert.Equal(9, answers.Count(a => a[1].Status == SubmissionStatus.Duplicate));
        Assert.Equal(1_500 + 11, await CountAsync(serve.Folder, "SELECT count(*) FROM inbox"));
        Assert.Equal(1, await CountAsync(serve.Folder, "SELECT count(*) FROM inbox WHERE EventId = 'shared'"));
    }

    [Fact]
    public async Task A_submission_that_breaks_the_shared_transaction_fails_alone()
    {
        await using var serve = await InteropStore.CreateAsync(Now);

        var large = HoldTheWriterAsync(serve.Store);
        await Task.Delay(50);
        var good = Enumerable.Range(0, 4).Select(k => Task.Run(() => serve.Store.SubmitAsync([Discharged($"good-{k}", $"pt-g{k}")], CancellationToken.None))).ToList();
        // No patient: the inbox refuses the row (NOT NULL), which rolls back the whole transaction it is in.
        var broken = Task.Run(() => serve.Store.SubmitAsync([Discharged("broken", null!)], CancellationToken.None));
        good.AddRange(Enumerable.Range(4, 4).Select(k => Task.Run(() => serve.Store.SubmitAsync([Discharged($"good-{k}", $"pt-g{k}")], CancellationToken.None))));

        await large;
        await Assert.ThrowsAnyAsync<Exception>(() => broken);
        Assert.All(await Task.WhenAll(good), answer => Assert.Equal(SubmissionStatus.Applied, Assert.Single(answer).Status));
        Assert.Equal(8, await CountAsync(serve.Folder, "SELECT count(*) FROM inbox WHERE EventId LIKE 'good-%' AND Status = 'done'"));
        Assert.Equal(0, await CountAsync(serve.Folder, "SELECT count(*) FROM inbox WHERE EventId = 'broken'"));
    }

    [Fact]
    public async Task Committed_rows_reach_the_database_file_itself_through_background_checkpoints()
    {
        await using var serve = await InteropStore.CreateAsync(Now);
        for (var batch = 0; batch < 20; batch++)
        {
            await serve.Store.SubmitAsync([.. Enumerable.Range(0, 50).Select(i => Discharged($"e-{batch}-{i}", $"pt-{i}"))], CancellationToken.None);
        }

        // The file alone, as a copy without its -wal, holds every committed event once the checkpoints have run.
        var copy = Path.Join(serve.Folder, "copy.db");
        var inFile = 0L;
        for (var attempt = 0; attempt < 100 && inFile != 1_000; attempt++)
        {
            await Task.Delay(100);
            File.Copy(Path.Join(serve.Folder, "careflow.db"), copy, overwrite: true);
            try
            {
                inFile = await CountAsync(serve.Folder, "SELECT count(*) FROM inbox", "copy.db");
            }
            catch (SqliteException)
            {
                // Copied halfway through a checkpoint's write: try again.
            }
        }

        Assert.Equal(1_000, inFile);
    }

    /// <summary>1,500 events for 300 patients: most of a second of the writer's time on this machine.</summary>
    private static Task<IReadOnlyList<SubmissionResult>> HoldTheWriterAsync(RuntimeStore store) =>
        Task.Run(() => store.SubmitAsync([.. Enumerable.Range(0, 1_500).Select(i => Discharged($"big-{i}", $"pt-b{i % 300}"))], CancellationToken.None));

    private static WorkflowEvent Discharged(string id, string patient) => new()
    {
        EventId = id,
        PracticeId = "demo",
        PatientId = patient,
        Type = "patient.discharged",
        At = Now.AddHours(-2),
        Data = new Dictionary<string, string> { ["setting"] = "inpatient" },
    };

    /// <summary>The SQLite store raises its generation once a transaction that applies events.</summary>
    private static Task<long> GenerationAsync(string folder) => CountAsync(folder, "SELECT Value FROM store_generation WHERE Id = 1");

    private static async Task<long> CountAsync(string folder, string sql, string file = "careflow.db")
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Join(folder, file), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
