using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Host.Bench;

/// <summary>A workflows folder of a bench's own: the shipped catalog, the demo practice, one reminder template and the bench's workflow.</summary>
internal static class BenchDefinitions
{
    /// <summary>Writes the folder under the run's root and returns it.</summary>
    public static string Write(BenchSettings settings, string workflowId, string workflowYaml, string template)
    {
        var source = settings.WorkflowsDirectory;
        var target = Path.Join(settings.Root, "definitions-" + workflowId, "workflows");
        if (Directory.Exists(target))
        {
            return target;
        }

        Directory.CreateDirectory(Path.Join(target, "templates"));
        File.Copy(Path.Join(source, DefinitionLoader.CatalogFile), Path.Join(target, DefinitionLoader.CatalogFile));
        foreach (var file in Directory.EnumerateFiles(Path.Join(source, "templates"), template + ".*"))
        {
            File.Copy(file, Path.Join(target, "templates", Path.GetFileName(file)));
        }

        var practice = Path.Join(source, "practices", BenchHost.Practice, "practice.yaml");
        if (File.Exists(practice))
        {
            Directory.CreateDirectory(Path.Join(target, "practices", BenchHost.Practice));
            File.Copy(practice, Path.Join(target, "practices", BenchHost.Practice, "practice.yaml"));
        }

        File.WriteAllText(Path.Join(target, workflowId + ".yaml"), workflowYaml.ReplaceLineEndings("\n"), System.Text.Encoding.UTF8);
        return target;
    }
}
