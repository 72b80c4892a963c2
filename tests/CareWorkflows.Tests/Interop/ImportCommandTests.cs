using CareWorkflows.Host.Cli;
using CareWorkflows.Tests.Integration;

namespace CareWorkflows.Tests.Interop;

/// <summary>Issue 4: <c>careflow import</c> on a fresh data folder, in-process, with the shipped definitions.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _data = Path.Join(Path.GetTempPath(), "careflow-import-" + Guid.NewGuid().ToString("N")[..12]);

    private string Database => Path.Join(_data, "careflow.db");

    [Fact]
    public async Task Run_CsvWithBadRows_Exits1AndStoresTheGoodRows()
    {
        var exit = await RunAsync(csv: new FileInfo(Path.Join(InteropData.Folder, "members.csv")));

        Assert.Equal(1, exit);
        var patients = await new CareflowDatabase(Database).RowsAsync("SELECT PatientId, Tier FROM patients WHERE PracticeId = 'cli' ORDER BY PatientId");
        Assert.Equal(["M-100", "M-101", "M-104", "M-107"], patients.Select(p => p[0]));
        Assert.All(patients, p => Assert.False(string.IsNullOrEmpty(p[1])));
    }

    [Fact]
    public async Task Run_FhirFolderTwice_Exits0AndTheSecondRunAddsNothing()
    {
        var folder = new DirectoryInfo(InteropData.Ndjson);

        Assert.Equal(0, await RunAsync(fhir: folder));
        var database = new CareflowDatabase(Database);
        var inbox = await database.CountAsync("SELECT COUNT(*) FROM inbox");
        Assert.Equal(0, await RunAsync(fhir: folder));

        Assert.True(inbox > 0);
        Assert.Equal(inbox, await database.CountAsync("SELECT COUNT(*) FROM inbox"));
        Assert.Equal(2, await database.CountAsync("SELECT COUNT(*) FROM patients WHERE PracticeId = 'cli'"));
    }

    [Fact]
    public async Task Run_NoInput_Exits2()
    {
        Assert.Equal(2, await RunAsync());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }
        catch (IOException)
        {
            // The OS temp cleaner takes it.
        }
    }

    private Task<int> RunAsync(FileSystemInfo? fhir = null, FileInfo? csv = null) =>
        ImportCommand.RunAsync(new ImportSettings(fhir, csv, "cli", new DirectoryInfo(_data), 30, RepositoryPaths.Workflows, RepositoryPaths.Rules), CancellationToken.None);
}
