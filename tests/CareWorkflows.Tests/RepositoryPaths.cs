namespace CareWorkflows.Tests;

/// <summary>Where the repository's own folders are, found from the test assembly's location.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Join(Root, "workflows");

    public static string Rules => Path.Join(Root, "rules");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "CareWorkflows.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("CareWorkflows.sln not found above the test assembly.");
    }
}
