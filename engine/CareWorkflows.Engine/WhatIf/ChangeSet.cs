using System.Text.RegularExpressions;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.WhatIf;

/// <summary>
/// A change to try before publishing: changed files (workflow YAML, rule sets, forms, scripts, templates) laid over
/// copies of the current workflows/ and rules/ folders, in the same layout (<c>workflows/dm-visit.yaml</c>,
/// <c>rules/enrollment.yaml</c>). The whole set is loaded and checked as <c>careflow validate</c> would; problems name
/// the changed file where they are, or the current file they are in. The copies live in a temporary folder deleted
/// with the change set.
/// </summary>
internal sealed partial class ChangeSet : IDisposable
{
    public const string WorkflowsFolder = "workflows";
    public const string RulesFolder = "rules";
    public const int MaxFiles = 64;

    private readonly string _root = Directory.CreateTempSubdirectory("careflow-whatif-").FullName;
    private readonly List<DefinitionError> _problems = [];
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _displayOf = new(StringComparer.Ordinal);
    private readonly string _display;
    private readonly string _workflowsDisplay;
    private readonly string _rulesDisplay;

    private ChangeSet(string currentWorkflows, string currentRules, string display)
    {
        _display = display.TrimEnd('/');
        _workflowsDisplay = currentWorkflows.TrimEnd('/').Replace('\\', '/');
        _rulesDisplay = currentRules.TrimEnd('/').Replace('\\', '/');
        Copy(currentWorkflows, Workflows);
        Copy(currentRules, Rules);
    }

    /// <summary>The changed set's workflows folder (a temporary copy).</summary>
    public string Workflows => Path.Join(_root, WorkflowsFolder);

    /// <summary>The changed set's rules folder (a temporary copy).</summary>
    public string Rules => Path.Join(_root, RulesFolder);

    /// <summary>The changed files, relative (workflows/..., rules/...), with their text.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>A change folder with workflows/ and/or rules/ inside.</summary>
    public static ChangeSet FromFolder(string changeDirectory, string currentWorkflows, string currentRules)
    {
        ArgumentNullException.ThrowIfNull(changeDirectory);
        var display = changeDirectory.TrimEnd('/').Replace('\\', '/');
        var set = new ChangeSet(currentWorkflows, currentRules, display);
        if (!Directory.Exists(changeDirectory))
        {
            set.Problem(display, "the change folder does not exist. Pass a folder holding the changed files under workflows/ and rules/, e.g. --change my-change.");
            return set;
        }

        foreach (var file in Directory.EnumerateFiles(changeDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            set.Add(Path.GetRelativePath(changeDirectory, file).Replace('\\', '/'), File.ReadAllText(file));
        }

        if (set._files.Count == 0 && set._problems.Count == 0)
        {
            set.Problem(display, "the change folder holds no files. Put the changed files in it as the repository lays them out, e.g. workflows/dm-between-visits.yaml or rules/enrollment.yaml.");
        }

        return set;
    }

    /// <summary>Changed files given as text (the API), by relative path.</summary>
    public static ChangeSet FromFiles(IReadOnlyDictionary<string, string> files, string currentWorkflows, string currentRules, string display = "(change)")
    {
        ArgumentNullException.ThrowIfNull(files);
        var set = new ChangeSet(currentWorkflows, currentRules, display);
        if (files.Count == 0)
        {
            set.Problem(display, "no changed files were given. Send at least one, e.g. {\"workflows/dm-between-visits.yaml\": \"workflow: ...\"}.");
        }

        foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            set.Add(path.Replace('\\', '/'), text ?? "");
        }

        return set;
    }

    /// <summary>
    /// One definition file (a workflow, an overlay or a rule set) put where the current definitions keep it: over the file
    /// of the same workflow id or rule set name, else as a new file. Problems name <paramref name="path"/>.
    /// </summary>
    public static ChangeSet FromFile(string path, string currentWorkflows, string currentRules)
    {
        ArgumentNullException.ThrowIfNull(path);
        var display = path.Replace('\\', '/');
        if (!File.Exists(path))
        {
            var missing = new ChangeSet(currentWorkflows, currentRules, display);
            missing.Problem(display, "the file does not exist. Give a workflow file (workflow: or extends:) or a rule set file (WorkflowName:).");
            return missing;
        }

        return FromText(File.ReadAllText(path), currentWorkflows, currentRules, display);
    }

    /// <summary>One definition's text (a draft from the API), placed as <see cref="FromFile"/> places a file; problems name <paramref name="display"/>.</summary>
    public static ChangeSet FromText(string text, string currentWorkflows, string currentRules, string display)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(display);
        var set = new ChangeSet(currentWorkflows, currentRules, display);
        if (PathFor(text, currentWorkflows, currentRules) is not { } relative)
        {
            set.Problem(display, "this is neither a workflow (a mapping starting with 'workflow: <id>' or 'extends: <id>' with 'practice: <id>') nor a rule set ('WorkflowName: <name>').");
            return set;
        }

        set._displayOf[relative] = display;
        set.Add(relative, text);
        return set;
    }

    /// <summary>
    /// Where a definition's text belongs in the repository layout: the current file of the same workflow id (overlay of
    /// the same practice, rule set name), else workflows/&lt;id&gt;.yaml, workflows/practices/&lt;practice&gt;/&lt;id&gt;.yaml or
    /// rules/&lt;name&gt;.yaml; null when the text is none of those.
    /// </summary>
    public static string? PathFor(string text, string currentWorkflows, string currentRules)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Key(RuleSetName(), text) is { } ruleSet)
        {
            return RulesFolder + "/" + (Existing(currentRules, RuleSetName(), ruleSet) ?? $"{ruleSet}.yaml");
        }

        if (Key(WorkflowId(), text) is { } workflow)
        {
            return WorkflowsFolder + "/" + (Existing(currentWorkflows, WorkflowId(), workflow) ?? $"{workflow}.yaml");
        }

        if (Key(Extends(), text) is { } extended && Key(PracticeKey(), text) is { } practice)
        {
            var folder = Path.Join(currentWorkflows, "practices", practice);
            return $"{WorkflowsFolder}/practices/{practice}/" + (Existing(folder, Extends(), extended) ?? $"{extended}.yaml");
        }

        return null;
    }

    /// <summary>Loads the changed set: the layout problems, or every validation problem, or the definitions.</summary>
    public LoadResult Load()
    {
        if (_problems.Count > 0)
        {
            return new LoadResult(null, _problems);
        }

        var loaded = DefinitionLoader.Load(Workflows, Rules);
        return loaded.Succeeded ? loaded : new LoadResult(null, [.. loaded.Errors.Select(e => e with { At = e.At with { File = Display(e.At.File) } })]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless; the next run makes its own.
        }
    }

    private void Add(string relative, string text)
    {
        var parts = relative.Split('/');
        var top = parts[0];
        if (Path.IsPathRooted(relative) || parts.Any(p => p is ".." or "." or "") || top is not (WorkflowsFolder or RulesFolder) || parts.Length < 2)
        {
            Problem($"{_display}/{relative}", $"'{relative}' is not a changed definition file. Lay changed files out as the repository does: workflows/<file>.yaml, workflows/practices/<practice>/<file>.yaml, rules/<file>.yaml.");
            return;
        }

        if (_files.Count >= MaxFiles)
        {
            Problem($"{_display}/{relative}", $"a change holds at most {MaxFiles} files. Try the change in smaller parts.");
            return;
        }

        var target = Path.Join(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.WriteAllText(target, text);
        _files[relative] = text;
    }

    private string Display(string file)
    {
        var normalized = file.Replace('\\', '/');
        var root = _root.Replace('\\', '/');
        if (!normalized.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return file;
        }

        var relative = normalized[(root.Length + 1)..];
        if (_files.ContainsKey(relative))
        {
            return _displayOf.GetValueOrDefault(relative) ?? $"{_display}/{relative}";
        }

        return relative.StartsWith(WorkflowsFolder + "/", StringComparison.Ordinal)
            ? _workflowsDisplay + relative[WorkflowsFolder.Length..]
            : _rulesDisplay + relative[RulesFolder.Length..];
    }

    private void Problem(string file, string message) => _problems.Add(new DefinitionError(ErrorCodes.InvalidValue, new SourceLocation(file, 1, 1), message));

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        if (!Directory.Exists(from))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Join(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string? Key(Regex pattern, string text) => pattern.Match(text) is { Success: true } match ? match.Groups[1].Value.Trim('"', '\'') : null;

    private static string? Existing(string folder, Regex pattern, string key) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal).FirstOrDefault(f => Key(pattern, File.ReadAllText(f)) == key) is { } file ? Path.GetFileName(file) : null
            : null;

    [GeneratedRegex(@"^WorkflowName:\s*(\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex RuleSetName();

    [GeneratedRegex(@"^workflow:\s*(\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex WorkflowId();

    [GeneratedRegex(@"^extends:\s*(\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Extends();

    [GeneratedRegex(@"^practice:\s*(\S+)", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PracticeKey();
}
