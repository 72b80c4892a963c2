using CareWorkflows.Engine.Rules;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>The outcome of loading: a usable set, or every problem found.</summary>
public sealed record LoadResult(DefinitionSet? Definitions, IReadOnlyList<DefinitionError> Errors)
{
    /// <summary>True when the folders loaded without a problem.</summary>
    public bool Succeeded => Definitions is not null && Errors.Count == 0;
}

/// <summary>
/// Loads a workflows folder (catalog.yaml, forms/, scripts/, templates/, *.yaml, practices/&lt;practice&gt;/*.yaml)
/// and a rules folder (*.yaml), collecting every problem before answering.
/// </summary>
public static class DefinitionLoader
{
    /// <summary>The catalog's file name in the workflows folder.</summary>
    public const string CatalogFile = "catalog.yaml";

    /// <summary>Loads and checks both folders. Never throws for a problem in the files.</summary>
    public static LoadResult Load(string workflowsDirectory, string rulesDirectory)
    {
        var diagnostics = new Diagnostics();
        if (!Directory.Exists(workflowsDirectory))
        {
            diagnostics.Add(ErrorCodes.MissingField, new SourceLocation(workflowsDirectory, 1, 1), "the workflows folder does not exist. Pass the right folder with --workflows DIR.");
        }

        if (!Directory.Exists(rulesDirectory))
        {
            diagnostics.Add(ErrorCodes.MissingField, new SourceLocation(rulesDirectory, 1, 1), "the rules folder does not exist. Pass the right folder with --rules DIR.");
        }

        if (diagnostics.HasErrors)
        {
            return new LoadResult(null, diagnostics.Sorted());
        }

        var catalog = LoadCatalog(workflowsDirectory, diagnostics);
        var forms = LoadForms(workflowsDirectory, diagnostics);
        var ruleSets = LoadRuleSets(rulesDirectory, diagnostics);
        var ruleNames = ruleSets.SelectMany(s => s.Rules).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

        var conditions = new List<Condition>();
        var standards = LoadStandards(workflowsDirectory, catalog, ruleNames, conditions, diagnostics);
        var overlays = OverlayReader.LoadAll(workflowsDirectory, catalog, ruleNames, standards, conditions, diagnostics);
        var rules = RuleSetEvaluator.Compile(ruleSets, conditions, diagnostics);

        var practices = LoadPractices(workflowsDirectory, catalog, diagnostics);
        var templates = Reminders.TemplateSet.Load(workflowsDirectory, practices, diagnostics);
        var definitions = new DefinitionSet
        {
            Catalog = catalog,
            Workflows = [.. standards.Values.Select(s => s.Definition).OrderBy(w => w.Id, StringComparer.Ordinal), .. overlays],
            Forms = forms,
            Practices = practices,
            Rules = rules,
            Templates = templates,
        };
        templates.CheckLanguages(definitions.Workflows, practices, diagnostics);
        return diagnostics.HasErrors ? new LoadResult(null, diagnostics.Sorted()) : new LoadResult(definitions, []);
    }

    /// <summary>Loads both folders or throws one <see cref="DefinitionException"/> listing every problem.</summary>
    public static DefinitionSet LoadOrThrow(string workflowsDirectory, string rulesDirectory)
    {
        var result = Load(workflowsDirectory, rulesDirectory);
        return result.Succeeded ? result.Definitions! : throw new DefinitionException(result.Errors);
    }

    internal static string Display(string directory, string path) =>
        Path.Join(directory, Path.GetRelativePath(directory, path)).Replace('\\', '/');

    internal static IEnumerable<string> YamlFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [];

    private static Catalog LoadCatalog(string directory, Diagnostics diagnostics)
    {
        var path = Path.Join(directory, CatalogFile);
        var display = Display(directory, path);
        if (!File.Exists(path))
        {
            diagnostics.Add(ErrorCodes.MissingField, new SourceLocation(display, 1, 1),
                "there is no catalog.yaml in the workflows folder. Create it with the roles, programs, lists, events and anchors the workflows use (docs/workflow-language.md).");
            return new Catalog();
        }

        var file = new SourceFile(display, diagnostics);
        var catalog = CatalogReader.Read(YamlFile.Load(path, display, diagnostics), file);
        return catalog with
        {
            Forms = RelativeFiles(directory, "forms", "*.yaml"),
            Scripts = RelativeFiles(directory, "scripts", "*.md"),
            Templates = Templates(directory),
        };
    }

    private static Dictionary<string, FormDefinition> LoadForms(string directory, Diagnostics diagnostics)
    {
        var forms = new Dictionary<string, FormDefinition>(StringComparer.Ordinal);
        foreach (var path in YamlFiles(Path.Join(directory, "forms")))
        {
            var display = Display(directory, path);
            if (YamlFile.Load(path, display, diagnostics) is { } root
                && CatalogReader.ReadForm(root, new SourceFile(display, diagnostics), Path.GetFileNameWithoutExtension(path)) is { } form)
            {
                forms[form.Id] = form;
            }
        }

        return forms;
    }

    private static List<RuleSetDefinition> LoadRuleSets(string directory, Diagnostics diagnostics)
    {
        var sets = new List<RuleSetDefinition>();
        var ruleAt = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        foreach (var path in YamlFiles(directory))
        {
            var display = Display(directory, path);
            var file = new SourceFile(display, diagnostics);
            if (YamlFile.Load(path, display, diagnostics) is not { } root || RuleSetReader.Read(root, file) is not { } set)
            {
                continue;
            }

            if (sets.FirstOrDefault(s => s.Name == set.Name) is { } earlier)
            {
                diagnostics.Add(ErrorCodes.DuplicateRuleSet, set.At, $"rule set '{set.Name}' is also defined in {earlier.At.File}. Give each rule set its own WorkflowName.");
                continue;
            }

            foreach (var rule in set.Rules)
            {
                var nameAt = rule.NameAt ?? rule.ExpressionAt;
                if (ruleAt.TryGetValue(rule.Name, out var first))
                {
                    diagnostics.Add(ErrorCodes.DuplicateRuleName, nameAt,
                        $"rule name '{rule.Name}' is already used at {first}. Rule names must be unique across all rule sets, since workflows name them in 'when'.");
                }

                ruleAt.TryAdd(rule.Name, nameAt);
            }

            sets.Add(set);
        }

        return sets;
    }

    private static Dictionary<string, LoadedWorkflow> LoadStandards(string directory, Catalog catalog, IReadOnlySet<string> ruleNames, List<Condition> conditions, Diagnostics diagnostics)
    {
        var standards = new Dictionary<string, LoadedWorkflow>(StringComparer.Ordinal);
        foreach (var path in YamlFiles(directory).Where(p => Path.GetFileName(p) != CatalogFile))
        {
            var display = Display(directory, path);
            var file = new SourceFile(display, diagnostics);
            var root = YamlFile.Load(path, display, diagnostics);
            if (root is null)
            {
                continue;
            }

            if (root is not YamlMappingNode mapping)
            {
                file.Add(ErrorCodes.WrongShape, root, "a workflow file must be a mapping that starts with 'workflow: <id>'.");
                continue;
            }

            var reader = new WorkflowReader(catalog, file, ruleNames);
            var workflow = reader.Read(mapping);
            conditions.AddRange(reader.Conditions);
            if (workflow is null)
            {
                continue;
            }

            if (standards.TryGetValue(workflow.Id, out var earlier))
            {
                diagnostics.Add(ErrorCodes.DuplicateWorkflowId, workflow.At,
                    $"workflow id '{workflow.Id}' is also used by {earlier.Definition.At.File}. Give each workflow its own id; a new version goes in the same file with a higher 'version'.");
                continue;
            }

            standards[workflow.Id] = new LoadedWorkflow(workflow, mapping, file);
        }

        return standards;
    }

    private static Dictionary<string, PracticeSettings> LoadPractices(string directory, Catalog catalog, Diagnostics diagnostics)
    {
        var practices = new Dictionary<string, PracticeSettings>(StringComparer.Ordinal);
        var facilityOwners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var root = Path.Join(directory, "practices");
        if (!Directory.Exists(root))
        {
            return practices;
        }

        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var path = Path.Join(folder, PracticeReader.FileName);
            var display = Display(directory, path);
            if (File.Exists(path) && YamlFile.Load(path, display, diagnostics) is { } node
                && PracticeReader.Read(node, new SourceFile(display, diagnostics), Path.GetFileName(folder), catalog, facilityOwners) is { } practice)
            {
                practices[practice.Id] = practice;
            }
        }

        return practices;
    }

    private static HashSet<string> RelativeFiles(string directory, string folder, string pattern)
    {
        var full = Path.Join(directory, folder);
        return Directory.Exists(full)
            ? Directory.EnumerateFiles(full, pattern).Select(f => $"{folder}/{Path.GetFileName(f)}").ToHashSet(StringComparer.Ordinal)
            : [];
    }

    private static Dictionary<string, IReadOnlySet<string>> Templates(string directory)
    {
        var full = Path.Join(directory, "templates");
        var templates = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var name in Directory.Exists(full) ? Directory.EnumerateFiles(full, "*.liquid").Select(Path.GetFileNameWithoutExtension) : [])
        {
            var dot = name!.LastIndexOf('.');
            if (dot > 0)
            {
                var set = templates.TryGetValue(name[..dot], out var existing) ? existing : templates[name[..dot]] = [];
                set.Add(name[(dot + 1)..]);
            }
        }

        return templates.ToDictionary(t => t.Key, t => (IReadOnlySet<string>)t.Value, StringComparer.Ordinal);
    }
}

/// <summary>A standard workflow with the YAML it was read from, for overlays to merge onto.</summary>
internal sealed record LoadedWorkflow(WorkflowDefinition Definition, YamlMappingNode Root, SourceFile File);
