using Xunit.Abstractions;

namespace CareWorkflows.Tests.Integration;

/// <summary>
/// A test class that runs real careflow processes on its own workspace: every process it starts is killed and the
/// workspace deleted when the class's test ends; errors the processes logged go to the test output.
/// </summary>
public abstract class CareflowProcessTest(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<CareflowProcess> _processes = [];

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
    }

    internal async Task<CareflowProcess> StartAsync(params string[] extraArguments)
    {
        var process = await CareflowProcess.StartAsync(Workspace, 0.2, extraArguments);
        _processes.Add(process);
        return process;
    }
}
