using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using CareWorkflows.Engine.Runtime;

namespace CareWorkflows.Host.Hosting;

/// <summary>The outcome of the last reload, for the definitions endpoint.</summary>
internal sealed record ReloadState(DateTimeOffset At, IReadOnlyList<DefinitionError> Errors);

/// <summary>
/// Reloads workflows and rules when their files change. An edit that does not validate is refused with the
/// validator's messages in the log, and the last good definitions stay active.
/// </summary>
internal sealed partial class DefinitionWatcher(ServeOptions options, DefinitionHistory history, DefinitionVersionStore versions, TimeProvider time, ILogger<DefinitionWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _changed = new(0);
    private readonly SemaphoreSlim _reloading = new(1, 1);

    public ReloadState? LastReload { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var workflows = Watch(options.WorkflowsDirectory);
        using var rules = Watch(options.RulesDirectory);
        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(stoppingToken);
            // Editors write a file in several steps: wait until the folder is quiet, then load once.
            await Task.Delay(Quiet, time, stoppingToken);
            while (_changed.CurrentCount > 0)
            {
                await _changed.WaitAsync(stoppingToken);
            }

            await ReloadAsync(stoppingToken);
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        _reloading.Dispose();
        base.Dispose();
    }

    /// <summary>Reloads now (after a publish through the API), so the answer reflects the active definitions.</summary>
    public Task ReloadNowAsync(CancellationToken cancellationToken) => ReloadAsync(cancellationToken);

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken);
        try
        {
            await ReloadOnceAsync(cancellationToken);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task ReloadOnceAsync(CancellationToken cancellationToken)
    {
        var result = DefinitionLoader.Load(options.WorkflowsDirectory, options.RulesDirectory);
        if (result.Succeeded)
        {
            var conflicts = await versions.SyncAsync(history, result.Definitions!, cancellationToken);
            result = conflicts.Count > 0 ? new LoadResult(null, conflicts) : result;
        }

        LastReload = new ReloadState(time.GetUtcNow(), result.Errors);
        if (!result.Succeeded)
        {
            foreach (var error in result.Errors)
            {
                LogRefused(logger, error.ToString());
            }

            LogKeptPrevious(logger, result.Errors.Count);
            return;
        }

        history.Publish(result.Definitions!);
        LogReloaded(logger, result.Definitions!.Workflows.Count, result.Definitions.Rules.RuleSets.Count);
    }

    private FileSystemWatcher? Watch(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var watcher = new FileSystemWatcher(directory) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Changed += (_, _) => _changed.Release();
        watcher.Created += (_, _) => _changed.Release();
        watcher.Deleted += (_, _) => _changed.Release();
        watcher.Renamed += (_, _) => _changed.Release();
        return watcher;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Definition change refused: {Problem}")]
    private static partial void LogRefused(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} problem(s) in the edited definitions; the last good version stays active. Run 'careflow validate' for the list")]
    private static partial void LogKeptPrevious(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Definitions reloaded: {Workflows} workflows, {RuleSets} rule sets")]
    private static partial void LogReloaded(ILogger logger, int workflows, int ruleSets);
}
