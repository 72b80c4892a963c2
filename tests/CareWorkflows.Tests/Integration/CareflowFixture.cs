namespace CareWorkflows.Tests.Integration;

/// <summary>One careflow process shared by the tests of a class; each test uses its own practice id.</summary>
public sealed class CareflowFixture : IAsyncLifetime
{
    private readonly CareflowWorkspace _workspace = CareflowWorkspace.Create();
    private CareflowProcess? _process;

    public CareflowProcess Process => _process ?? throw new InvalidOperationException("careflow has not started.");

    public HttpClient Client => Process.Client;

    public async Task InitializeAsync() => _process = await CareflowProcess.StartAsync(_workspace, sweepSeconds: 0.2);

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _workspace.Dispose();
    }
}
