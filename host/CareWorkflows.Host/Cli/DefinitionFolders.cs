using System.CommandLine;

namespace CareWorkflows.Host.Cli;

/// <summary>The --workflows and --rules options every verb that reads definitions shares.</summary>
internal static class DefinitionFolders
{
    public static Option<DirectoryInfo> WorkflowsOption() => new("--workflows")
    {
        Description = "Folder of workflow definitions (default: ./workflows, else the one shipped next to careflow).",
        DefaultValueFactory = _ => new DirectoryInfo(Resolve("workflows")),
    };

    public static Option<DirectoryInfo> RulesOption() => new("--rules")
    {
        Description = "Folder of rule sets (default: ./rules, else the one shipped next to careflow).",
        DefaultValueFactory = _ => new DirectoryInfo(Resolve("rules")),
    };

    /// <summary>A folder in the current directory if there is one, else the copy shipped with the executable.</summary>
    public static string Resolve(string name) =>
        Directory.Exists(name) ? name : Path.Join(AppContext.BaseDirectory, name);

    /// <summary>How a folder is shown in messages: as the user wrote it, with forward slashes.</summary>
    public static string Display(DirectoryInfo directory, ParseResult parse, Option<DirectoryInfo> option) =>
        ((parse.GetResult(option)?.Tokens is { Count: > 0 } tokens ? tokens[0].Value : null) ?? Path.GetRelativePath(Environment.CurrentDirectory, directory.FullName)).TrimEnd('/');
}
