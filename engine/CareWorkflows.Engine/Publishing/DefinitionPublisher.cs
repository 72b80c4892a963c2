using System.Globalization;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Persistence;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Publishing;

/// <summary>A definition to publish: the YAML of a standard workflow (<c>workflow:</c>) or of a practice overlay (<c>extends:</c>).</summary>
public sealed record PublishRequest(string Yaml, string Note, string By)
{
    /// <summary>For an overlay without a <c>practice:</c> key: the practice it belongs to.</summary>
    public string? Practice { get; init; }

    /// <summary>The workflow the caller means to publish (e.g. the id in the URL); null to take the file's.</summary>
    public string? Workflow { get; init; }
}

/// <summary>What publishing did: the workflow now active and the file written, or the problems that stopped it (nothing written).</summary>
public sealed record PublishOutcome(WorkflowDefinition? Workflow, string? File, IReadOnlyList<DefinitionError> Errors)
{
    /// <summary>True when the file was written and the version recorded.</summary>
    public bool Published => Workflow is not null && Errors.Count == 0;

    internal static PublishOutcome Refused(string file, string code, string message, int line = 1, int column = 1) =>
        new(null, null, [new DefinitionError(code, new SourceLocation(file, line, column), message)]);
}

/// <summary>One version in a workflow's history.</summary>
public sealed record VersionEntry(int Version, bool Current, DateTimeOffset FirstStored, DateTimeOffset? PublishedAt, string? PublishedBy, string? Note, int Running, int Instances, bool CanRollBackTo);

/// <summary>
/// Publishing: a definition change is checked with the whole definition set exactly as <c>careflow validate</c>
/// would, must raise the standard's version, and is written into the workflows folder (a running
/// <c>careflow serve</c> reloads it) with its change note recorded in the store. Instances keep the version they
/// started on; a rollback publishes an earlier version's text again under a new, higher version.
/// </summary>
internal sealed class DefinitionPublisher(DefinitionVersionStore versions)
{
    public async Task<PublishOutcome> PublishAsync(string workflowsDirectory, string rulesDirectory, PublishRequest request, CancellationToken cancellationToken)
    {
        var upload = Path.Join(workflowsDirectory, "(upload).yaml").Replace('\\', '/');
        if (string.IsNullOrWhiteSpace(request.Note))
        {
            return PublishOutcome.Refused(upload, ErrorCodes.MissingField, "a change note is required: say in a sentence what changes for patients and staff (--note, or 'note' in the request).");
        }

        var diagnostics = new Diagnostics();
        if (System.Text.Encoding.UTF8.GetByteCount(request.Yaml) > YamlFile.MaxBytes)
        {
            return PublishOutcome.Refused(upload, ErrorCodes.FileTooLarge, $"the definition is larger than {YamlFile.MaxBytes:N0} bytes. Split it into several workflows.");
        }

        if (YamlFile.Parse(request.Yaml, upload, diagnostics) is not YamlMappingNode root)
        {
            return diagnostics.HasErrors
                ? new PublishOutcome(null, null, diagnostics.Sorted())
                : PublishOutcome.Refused(upload, ErrorCodes.WrongShape, "a definition is a mapping that starts with 'workflow: <id>' (a standard) or 'extends: <id>' (a practice overlay).");
        }

        var target = Target(workflowsDirectory, root, request.Practice, upload);
        if (target.Error is { } error)
        {
            return new PublishOutcome(null, null, [error]);
        }

        if (request.Workflow is { } expected && expected != target.WorkflowId)
        {
            return PublishOutcome.Refused(upload, ErrorCodes.InvalidValue, $"the definition is '{target.WorkflowId}', not '{expected}'. Publish it under its own id, or correct 'workflow:' / 'extends:'.");
        }

        var loaded = Validate(workflowsDirectory, rulesDirectory, target.RelativePath, request.Yaml);
        if (!loaded.Succeeded)
        {
            return new PublishOutcome(null, null, loaded.Errors);
        }

        var workflow = loaded.Definitions!.Workflows.Single(w => w.Id == target.WorkflowId && w.Practice == target.Practice);
        var path = Path.Join(workflowsDirectory, target.RelativePath);
        await KeepReplacedVersionAsync(workflowsDirectory, rulesDirectory, target.WorkflowId, target.Practice, cancellationToken);
        if (target.Practice is null)
        {
            var stored = await versions.VersionsAsync(workflow.Id, "", cancellationToken);
            var highest = stored.Select(r => r.Version).Append(CurrentVersion(path)).Max();
            if (workflow.Version <= highest)
            {
                var at = KeyLocation(root, "version");
                return PublishOutcome.Refused(path.Replace('\\', '/'), ErrorCodes.InvalidValue,
                    $"version {workflow.Version} of '{workflow.Id}' is not new: version {highest} is already published or running. Set 'version: {highest + 1}' to publish this change; patients keep the version they started on.",
                    at.Line, at.Column);
            }
        }

        var conflict = await versions.PublishAsync(workflow with { At = workflow.At with { File = path.Replace('\\', '/') } }, request.Yaml, request.Note.Trim(), request.By, cancellationToken);
        if (conflict is not null)
        {
            return new PublishOutcome(null, null, [conflict]);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".publishing";
        await File.WriteAllTextAsync(temporary, request.Yaml, cancellationToken);
        File.Move(temporary, path, overwrite: true);
        return new PublishOutcome(workflow, path, []);
    }

    /// <summary>Publishes the text of an earlier version again, as a new version above every known one.</summary>
    public async Task<PublishOutcome> RollbackAsync(string workflowsDirectory, string rulesDirectory, string workflowId, string? practice, int toVersion, string note, string by, CancellationToken cancellationToken)
    {
        var stored = await versions.VersionsAsync(workflowId, practice ?? "", cancellationToken);
        var where = $"{workflowId}{(practice is null ? "" : $" (practice {practice})")}";
        var file = $"{workflowsDirectory.TrimEnd('/')}/{(practice is null ? "" : $"practices/{practice}/")}{workflowId}";
        if (stored.Count == 0)
        {
            return PublishOutcome.Refused(file, ErrorCodes.InvalidValue, $"no version of '{where}' was ever run or published here, so there is nothing to roll back to. Check the workflow id with 'careflow definitions history'.");
        }

        if (stored.FirstOrDefault(r => r.Version == toVersion) is not { } row)
        {
            return PublishOutcome.Refused(file, ErrorCodes.InvalidValue, $"'{where}' has no version {toVersion}; it has {string.Join(", ", stored.Select(r => r.Version))}.");
        }

        if (row.Source is null)
        {
            return PublishOutcome.Refused(file, ErrorCodes.InvalidValue,
                $"the text of '{where}' version {toVersion} was not kept (it was stored before versions kept their source). Restore the file from version control and publish it with a higher version.");
        }

        var text = row.Source;
        if (practice is null)
        {
            var next = stored.Max(r => r.Version) + 1;
            text = WithVersion(text, next);
        }

        if (string.IsNullOrWhiteSpace(note))
        {
            return PublishOutcome.Refused(file, ErrorCodes.MissingField, "a change note is required: say why the earlier version comes back (--note, or 'note' in the request).");
        }

        return await PublishAsync(workflowsDirectory, rulesDirectory, new PublishRequest(text, $"Rollback to version {toVersion}: {note.Trim()}", by) { Practice = practice, Workflow = workflowId }, cancellationToken);
    }

    public async Task<IReadOnlyList<VersionEntry>> HistoryAsync(string workflowId, string? practice, int? currentVersion, CancellationToken cancellationToken)
    {
        var stored = await versions.VersionsAsync(workflowId, practice ?? "", cancellationToken);
        var counts = await versions.InstanceCountsAsync(workflowId, practice, cancellationToken);
        return [.. stored.Select(r => new VersionEntry(
            r.Version,
            r.Version == currentVersion,
            r.StoredAt,
            r.PublishedAt,
            r.PublishedBy,
            r.Note,
            counts.GetValueOrDefault(r.Version).Running,
            counts.GetValueOrDefault(r.Version).All,
            r.Source is not null))];
    }

    /// <summary>The version about to be replaced stays available for a rollback, even if no patient ever ran it here.</summary>
    private async Task KeepReplacedVersionAsync(string workflowsDirectory, string rulesDirectory, string workflowId, string? practice, CancellationToken cancellationToken)
    {
        var current = DefinitionLoader.Load(workflowsDirectory, rulesDirectory);
        if (current.Definitions?.Workflows.FirstOrDefault(w => w.Id == workflowId && w.Practice == practice) is { } replaced)
        {
            await versions.KeepAsync(replaced, cancellationToken);
        }
    }

    /// <summary>Where the definition goes: the file that holds it now, or a new one named after it.</summary>
    private static (string WorkflowId, string? Practice, string RelativePath, DefinitionError? Error) Target(string workflowsDirectory, YamlMappingNode root, string? practiceOption, string upload)
    {
        var workflowId = Scalar(root, "workflow");
        var extends = Scalar(root, "extends");
        if (workflowId is null && extends is null)
        {
            return ("", null, "", new DefinitionError(ErrorCodes.MissingField, new SourceLocation(upload, 1, 1),
                "the definition names no workflow: start it with 'workflow: <id>' (a standard) or 'extends: <id>' (a practice overlay)."));
        }

        // The practice given is the one the caller was authorized for: it may not reach a standard or another practice.
        if (workflowId is not null)
        {
            if (practiceOption is not null)
            {
                var (line, column) = KeyLocation(root, "workflow");
                return ("", null, "", new DefinitionError(ErrorCodes.InvalidValue, new SourceLocation(upload, line, column),
                    $"'{workflowId}' is a standard workflow of the physician organization, not practice '{practiceOption}''s: publish it without a practice, "
                    + $"with a PO-level key, or publish the practice's changes as an overlay ('extends: {workflowId}')."));
            }

            var existing = DefinitionLoader.YamlFiles(workflowsDirectory).FirstOrDefault(f => Path.GetFileName(f) != DefinitionLoader.CatalogFile && Scalar(f, "workflow") == workflowId);
            return (workflowId, null, existing is null ? $"{workflowId}.yaml" : Path.GetRelativePath(workflowsDirectory, existing), null);
        }

        var named = Scalar(root, "practice");
        if (named is not null && practiceOption is not null && named != practiceOption)
        {
            var (line, column) = KeyLocation(root, "practice");
            return ("", null, "", new DefinitionError(ErrorCodes.InvalidValue, new SourceLocation(upload, line, column),
                $"the overlay says 'practice: {named}' but is published for practice '{practiceOption}'. Publish it for '{named}', or correct its 'practice:'."));
        }

        var practice = named ?? practiceOption;
        if (practice is null)
        {
            return ("", null, "", new DefinitionError(ErrorCodes.MissingField, new SourceLocation(upload, 1, 1),
                $"an overlay of '{extends}' needs its practice: add 'practice: <id>' or give the practice (--practice)."));
        }

        var folder = Path.Join(workflowsDirectory, "practices", practice);
        var overlay = DefinitionLoader.YamlFiles(folder).FirstOrDefault(f => Scalar(f, "extends") == extends);
        return (extends!, practice, Path.GetRelativePath(workflowsDirectory, overlay ?? Path.Join(folder, $"{extends}.yaml")), null);
    }

    /// <summary>Loads a copy of the workflows folder with the definition in place, so it is checked against everything else.</summary>
    private static LoadResult Validate(string workflowsDirectory, string rulesDirectory, string relativePath, string yaml)
    {
        var copy = Path.Join(Path.GetTempPath(), "careflow-publish-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            CopyFolder(workflowsDirectory, copy);
            var path = Path.Join(copy, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, yaml);
            var result = DefinitionLoader.Load(copy, rulesDirectory);
            var prefix = copy.Replace('\\', '/');
            var shown = workflowsDirectory.Replace('\\', '/');
            return result with { Errors = [.. result.Errors.Select(e => e with { At = e.At with { File = e.At.File.Replace(prefix, shown, StringComparison.Ordinal) } })] };
        }
        finally
        {
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Join(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int CurrentVersion(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        return int.TryParse(Scalar(path, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;
    }

    private static (int Line, int Column) KeyLocation(YamlMappingNode root, string key) =>
        root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? ((int)node.Start.Line, (int)node.Start.Column) : (1, 1);

    /// <summary>The text with its top-level <c>version:</c> value replaced, everything else (comments, layout) kept.</summary>
    private static string WithVersion(string text, int version)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var number = version.ToString(CultureInfo.InvariantCulture);
        if (!root.Children.TryGetValue(new YamlScalarNode("version"), out var node))
        {
            return $"version: {number}\n{text}";
        }

        return string.Concat(text.AsSpan(0, (int)node.Start.Index), number, text.AsSpan((int)node.End.Index));
    }

    private static string? Scalar(YamlMappingNode root, string key) =>
        root.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode scalar ? scalar.Value : null;

    private static string? Scalar(string path, string key)
    {
        try
        {
            var stream = new YamlStream();
            using var reader = File.OpenText(path);
            stream.Load(reader);
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root ? Scalar(root, key) : null;
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // A broken file elsewhere in the folder is the validator's to report, not a reason to stop looking.
            return null;
        }
    }
}
