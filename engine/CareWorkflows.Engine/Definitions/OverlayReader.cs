using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>
/// Reads practice overlays (<c>workflows/practices/&lt;practice&gt;/*.yaml</c>): each extends a standard workflow
/// and may change only the fields the standard leaves open. The overlay's values are merged into the standard's
/// YAML and the result is read by the same <see cref="WorkflowReader"/>, so an overlay is checked exactly like a
/// standard, with problems in its values pointing at the overlay file.
/// </summary>
internal static class OverlayReader
{
    private static readonly string[] TopKeys = ["extends", "practice", "title", "description", "steps"];
    private static readonly string[] WorkflowFields = ["title", "description"];

    public static List<WorkflowDefinition> LoadAll(string directory, Catalog catalog, IReadOnlySet<string> ruleNames,
        IReadOnlyDictionary<string, LoadedWorkflow> standards, List<Condition> conditions, Diagnostics diagnostics)
    {
        var overlays = new List<WorkflowDefinition>();
        var practicesRoot = Path.Join(directory, "practices");
        if (!Directory.Exists(practicesRoot))
        {
            return overlays;
        }

        foreach (var practiceDirectory in Directory.EnumerateDirectories(practicesRoot).Order(StringComparer.Ordinal))
        {
            foreach (var path in DefinitionLoader.YamlFiles(practiceDirectory).Where(p => Path.GetFileName(p) != PracticeReader.FileName))
            {
                var display = DefinitionLoader.Display(directory, path);
                if (YamlFile.Load(path, display, diagnostics) is not { } root)
                {
                    continue;
                }

                var overlay = new SourceFile(display, diagnostics);
                if (root is not YamlMappingNode mapping)
                {
                    overlay.Add(ErrorCodes.WrongShape, root, "an overlay must be a mapping that starts with 'extends: <workflow id>'.");
                    continue;
                }

                var workflow = Read(mapping, overlay, Path.GetFileName(practiceDirectory), catalog, ruleNames, standards, conditions);
                if (workflow is not null)
                {
                    overlays.Add(workflow);
                }
            }
        }

        return overlays;
    }

    private static WorkflowDefinition? Read(YamlMappingNode root, SourceFile overlay, string folderPractice, Catalog catalog,
        IReadOnlySet<string> ruleNames, IReadOnlyDictionary<string, LoadedWorkflow> standards, List<Condition> conditions)
    {
        var errorsBefore = overlay.Diagnostics.Errors.Count;
        var map = new MappingReader(root, overlay, "the overlay", TopKeys);
        var extends = map.Text("extends", required: true, example: "transition-of-care");
        var practice = map.Id("practice", required: false) ?? folderPractice;
        if (extends is null)
        {
            return null;
        }

        if (!standards.TryGetValue(extends, out var standard))
        {
            overlay.Diagnostics.Add(ErrorCodes.UnknownBaseWorkflow, map.ValueAt("extends"),
                $"there is no standard workflow '{extends}' to extend.{Suggestions.DidYouMean(extends, standards.Keys)} Name a workflow of the workflows folder.");
            return null;
        }

        var locked = standard.Definition.Locked.ToHashSet(StringComparer.Ordinal);
        var changes = new List<OverlayChange>();
        var merged = new YamlMappingNode();
        foreach (var (key, value) in standard.Root.Children)
        {
            merged.Add(key, value);
        }

        foreach (var key in WorkflowFields.Where(map.Has))
        {
            if (CheckNotLocked(key, map.KeyAt(key), locked, overlay, extends))
            {
                changes.Add(new OverlayChange(key, Text(Value(standard.Root, key)), Text(map.Node(key))!));
                merged.Children.Remove(new YamlScalarNode(key));
                merged.Add(Adopt(map.KeyNode(key)!, overlay), Adopt(map.Node(key)!, overlay));
            }
        }

        if (map.Sequence("steps") is { } overlaySteps)
        {
            merged.Children[new YamlScalarNode("steps")] = MergeSteps(standard, overlaySteps, overlay, locked, changes);
        }

        if (overlay.Diagnostics.Errors.Count > errorsBefore)
        {
            return null;
        }

        // The merged tree mixes nodes of both files: read it as the standard's file, with the overlay's nodes mapped back to it.
        var mergedFile = new SourceFile(standard.File.Path, overlay.Diagnostics);
        foreach (var (node, origin) in overlay.Origins)
        {
            mergedFile.Origins[node] = origin;
        }

        var reader = new WorkflowReader(catalog, mergedFile, ruleNames);
        var workflow = reader.Read(merged, practice);
        conditions.AddRange(reader.Conditions);
        return workflow is null ? null : workflow with { At = map.At, OverlayChanges = changes };
    }

    private static YamlSequenceNode MergeSteps(LoadedWorkflow standard, YamlSequenceNode overlaySteps, SourceFile overlay, HashSet<string> locked, List<OverlayChange> changed)
    {
        var changes = new Dictionary<string, MappingReader>(StringComparer.Ordinal);
        foreach (var node in overlaySteps.Children)
        {
            if (node is not YamlMappingNode stepNode)
            {
                overlay.Add(ErrorCodes.WrongShape, node, "each overlay step must be a mapping with the 'id' of a standard step and the fields it changes.");
                continue;
            }

            var step = new MappingReader(stepNode, overlay, "an overlay step", ["id", .. StepKeys.Overridable]);
            var id = step.Text("id", required: true);
            if (id is null)
            {
                continue;
            }

            if (standard.Definition.Step(id) is null)
            {
                overlay.Diagnostics.Add(ErrorCodes.InvalidOverlay, step.ValueAt("id"),
                    $"workflow '{standard.Definition.Id}' has no step '{id}'.{Suggestions.DidYouMean(id, standard.Definition.Steps.Select(s => s.Id))} An overlay changes fields of existing steps; it cannot add steps.");
                continue;
            }

            changes[id] = step;
        }

        var steps = new YamlSequenceNode();
        foreach (var node in ((YamlSequenceNode)standard.Root.Children[new YamlScalarNode("steps")]).Children)
        {
            var stepNode = (YamlMappingNode)node;
            var id = ((YamlScalarNode)stepNode.Children[new YamlScalarNode("id")]).Value!;
            if (!changes.TryGetValue(id, out var change))
            {
                steps.Add(stepNode);
                continue;
            }

            var mergedStep = new YamlMappingNode();
            foreach (var (key, value) in stepNode.Children)
            {
                mergedStep.Add(key, value);
            }

            foreach (var field in change.Keys.Where(k => k != "id"))
            {
                if (CheckNotLocked($"steps.{id}.{field}", change.KeyAt(field), locked, overlay, standard.Definition.Id))
                {
                    changed.Add(new OverlayChange($"steps.{id}.{field}", Text(Value(stepNode, field)), Text(change.Node(field))!));
                    mergedStep.Children.Remove(new YamlScalarNode(field));
                    mergedStep.Add(Adopt(change.KeyNode(field)!, overlay), Adopt(change.Node(field)!, overlay));
                }
            }

            overlay.Origins[mergedStep] = overlay.Path;
            steps.Add(mergedStep);
        }

        return steps;
    }

    private static bool CheckNotLocked(string path, SourceLocation at, HashSet<string> locked, SourceFile overlay, string workflow)
    {
        if (!locked.Contains(path))
        {
            return true;
        }

        overlay.Diagnostics.Add(ErrorCodes.LockedFieldChanged, at,
            $"'{path}' is locked by the standard workflow '{workflow}': the PO fixes it for every practice. Remove this change, or ask the PO to unlock it.");
        return false;
    }

    private static YamlNode? Value(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>A value as a quality lead would write it on one line: <c>2 business days</c>, <c>[a, b]</c>, <c>{reached: end}</c>.</summary>
    private static string? Text(YamlNode? node) => node switch
    {
        null => null,
        YamlScalarNode scalar => scalar.Value,
        YamlSequenceNode sequence => $"[{string.Join(", ", sequence.Children.Select(Text))}]",
        YamlMappingNode mapping => $"{{{string.Join(", ", mapping.Children.Select(e => $"{Text(e.Key)}: {Text(e.Value)}"))}}}",
        _ => node.ToString(),
    };

    private static YamlNode Adopt(YamlNode node, SourceFile overlay)
    {
        overlay.Origins[node] = overlay.Path;
        foreach (var child in node.AllNodes)
        {
            overlay.Origins[child] = overlay.Path;
        }

        return node;
    }
}
