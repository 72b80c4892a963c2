using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// A test class that runs real careflow processes on its own workspace: every process it starts is killed and the
/// workspace deleted when the class's test ends; errors the processes logged go to the test output.
/// </summary>
public abstract class CareflowProcessTest(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<CareflowProcess> _processes = [];
    private readonly List<CareflowWorkspace> _workspaces = [];

    internal CareflowWorkspace Workspace { get; } = CareflowWorkspace.Create();

    protected ITestOutputHelper Output { get; } = output;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (process.Errors.Length > 0)
            {
                Output.WriteLine($"careflow pid {process.Id} logged errors:\n{process.Errors}");
            }

            await process.DisposeAsync();
        }

        Workspace.Dispose();
        _workspaces.ForEach(w => w.Dispose());
    }

    internal Task<CareflowProcess> StartAsync(params string[] extraArguments) => StartAsync(Workspace, extraArguments);

    /// <summary>Starts a process on another workspace than <see cref="Workspace"/> (a second node); both are cleaned up alike.</summary>
    internal async Task<CareflowProcess> StartAsync(CareflowWorkspace workspace, params string[] extraArguments)
    {
        if (workspace != Workspace && !_workspaces.Contains(workspace))
        {
            _workspaces.Add(workspace);
        }

        var process = await CareflowProcess.StartAsync(workspace, 0.2, extraArguments);
        _processes.Add(process);
        return process;
    }
}
