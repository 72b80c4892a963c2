namespace CareWorkflows.Tests.Integration;

/// <summary>
/// A fresh temporary folder for one careflow process: <c>data/</c> (empty: a new SQLite file), <c>workflows/</c>
/// (the shipped catalog.yaml and templates/ plus the test workflows of Integration/TestDefinitions/workflows/) and
/// <c>rules/</c> (the shipped rule sets, code sets and billing rules). The shipped catalog, templates and rules are copied at run time, so the
/// tests always run against the current ones. Disposing deletes the folder.
/// </summary>
public sealed class CareflowWorkspace : IDisposable
{
    private CareflowWorkspace(string root)
    {
        Root = root;
        Directory.CreateDirectory(Data);
        Directory.CreateDirectory(Workflows);
        Directory.CreateDirectory(Rules);
    }

    /// <summary>The test workflows, in the repository.</summary>
    public static string TestWorkflows => Path.Join(RepositoryPaths.Root, "tests", "CareWorkflows.Tests", "Integration", "TestDefinitions", "workflows");

    public string Root { get; }

    public string Data => Path.Join(Root, "data");

    public string Workflows => Path.Join(Root, "workflows");

    public string Rules => Path.Join(Root, "rules");

    /// <summary>Environment variables for the processes started on this workspace (e.g. Careflow__Jwt__SigningKey).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The SQLite file careflow writes in <see cref="Data"/>.</summary>
    public string Database => Path.Join(Data, "careflow.db");

    /// <summary>Creates the folder with the test definitions.</summary>
    public static CareflowWorkspace Create()
    {
        var workspace = new CareflowWorkspace(Path.Join(Path.GetTempPath(), "careflow-it-" + Guid.NewGuid().ToString("N")[..12]));
        File.Copy(Path.Join(RepositoryPaths.Workflows, "catalog.yaml"), Path.Join(workspace.Workflows, "catalog.yaml"));
        CopyFolder(Path.Join(RepositoryPaths.Workflows, "templates"), Path.Join(workspace.Workflows, "templates"));
        CopyFolder(TestWorkflows, workspace.Workflows);
        CopyFolder(RepositoryPaths.Rules, workspace.Rules);
        return workspace;
    }

    /// <summary>The path of a test workflow file in this workspace, e.g. tcm-fast.yaml.</summary>
    public string WorkflowFile(string name) => Path.Join(Workflows, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that is being killed; the OS temp cleaner takes it.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>Copies a folder with its sub-folders (workflows/practices, rules/codes ...).</summary>
    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Join(to, Path.GetFileName(file)));
        }

        // rules/codes/ holds the code sets and billing rules the host reads at start.
        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            CopyFolder(folder, Path.Join(to, Path.GetFileName(folder)));
        }
    }
}
