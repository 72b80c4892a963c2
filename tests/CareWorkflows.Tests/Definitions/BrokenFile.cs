using System.Globalization;
using System.Text.RegularExpressions;

namespace CareWorkflows.Tests.Definitions;

/// <summary>One error a broken file must produce: its code, where (in the broken file unless another file is named), and a piece of its message.</summary>
internal sealed record ExpectedError(string Code, int Line, int Column, string? MessagePart)
{
    public string? File { get; init; }
}

/// <summary>
/// A file of <c>Definitions/Invalid/</c>, with what its comment header says:
/// <c># expect: CW0002 5:5 Did you mean 'title'</c> (one line per error the validator must report),
/// <c># place: workflows/practices/p1/x.yaml</c> (where it goes; default <c>workflows/&lt;file name&gt;</c>),
/// <c># base: no-workflows</c> (leave the shipped workflow files out, for a catalog they could not load with) and
/// <c># with: workflows/templates/x.en.liquid Hi {{ patient.first_name }}</c> (one more file of one line, e.g. a template;
/// an error in it is expected as <c># expect: CW0034 workflows/templates/x.en.liquid:1:7 ...</c>).
/// </summary>
internal sealed partial record BrokenFile(string Name, string Text, string Place, bool WithoutWorkflows, IReadOnlyList<ExpectedError> Expected)
{
    /// <summary>Extra one-line files the broken file needs beside it.</summary>
    public IReadOnlyDictionary<string, string> With { get; init; } = new Dictionary<string, string>();

    public static string Folder { get; } = Path.Join(AppContext.BaseDirectory, "Definitions", "Invalid");

    public static IReadOnlyList<string> Names { get; } =
        [.. Directory.EnumerateFiles(Folder, "*.yaml").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    /// <summary>The code the file name starts with, e.g. CW0002 for CW0002-unknown-step-key.yaml.</summary>
    public string NamedCode => Name[..Math.Min(6, Name.Length)];

    public static BrokenFile Read(string name)
    {
        var text = File.ReadAllText(Path.Join(Folder, name));
        var place = $"workflows/{name}";
        var withoutWorkflows = false;
        var expected = new List<ExpectedError>();
        var with = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.StartsWith('#')))
        {
            if (ExpectLine().Match(line) is { Success: true } expect)
            {
                expected.Add(new ExpectedError(
                    expect.Groups["code"].Value,
                    int.Parse(expect.Groups["line"].Value, CultureInfo.InvariantCulture),
                    int.Parse(expect.Groups["column"].Value, CultureInfo.InvariantCulture),
                    expect.Groups["text"].Success ? expect.Groups["text"].Value.Trim() : null)
                {
                    File = expect.Groups["file"].Success ? expect.Groups["file"].Value : null,
                });
            }
            else if (PlaceLine().Match(line) is { Success: true } placeLine)
            {
                place = placeLine.Groups["path"].Value;
            }
            else if (WithLine().Match(line) is { Success: true } withLine)
            {
                with[withLine.Groups["path"].Value] = withLine.Groups["text"].Value;
            }
            else if (line.Trim() == "# base: no-workflows")
            {
                withoutWorkflows = true;
            }
        }

        return new BrokenFile(name, text, place, withoutWorkflows, expected) { With = with };
    }

    /// <summary>Copies the shipped workflows and rules into a fresh temporary folder and puts this file in its place.</summary>
    public StagedDefinitions Stage() => StagedDefinitions.Create(this);

    [GeneratedRegex(@"^#\s*expect:\s*(?<code>CW\d{4})\s+(?:(?<file>(workflows|rules)/[^:\s]+):)?(?<line>\d+):(?<column>\d+)(?:\s+(?<text>\S.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^#\s*with:\s*(?<path>workflows/\S+)\s(?<text>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex WithLine();

    [GeneratedRegex(@"^#\s*place:\s*(?<path>(workflows|rules)/\S+)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceLine();
}

/// <summary>A temporary copy of the shipped definitions with one broken file placed in it; deleted on dispose.</summary>
internal sealed class StagedDefinitions : IDisposable
{
    private StagedDefinitions(string root) => Root = root;

    public string Root { get; }

    public string Workflows => Path.Join(Root, "workflows");

    public string Rules => Path.Join(Root, "rules");

    public static StagedDefinitions Create(BrokenFile file)
    {
        var staged = new StagedDefinitions(Path.Join(Path.GetTempPath(), $"careflow-invalid-{Guid.NewGuid():N}"));
        try
        {
            CopyFolder(RepositoryPaths.Workflows, staged.Workflows, file.WithoutWorkflows ? IsWorkflowFile : _ => false);
            CopyFolder(RepositoryPaths.Rules, staged.Rules, _ => false);
            var target = Path.Join(staged.Root, file.Place);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, file.Text);
            foreach (var (path, text) in file.With)
            {
                File.WriteAllText(Path.Join(staged.Root, path), text + "\n");
            }

            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }

        // A workflow or overlay file: a .yaml file outside forms/ (the catalog is replaced by the broken file).
        bool IsWorkflowFile(string relative) =>
            relative.EndsWith(".yaml", StringComparison.Ordinal)
            && !relative.StartsWith("forms", StringComparison.Ordinal)
            && Path.GetFileName(relative) != "catalog.yaml";
    }

    /// <summary>The path of <paramref name="path"/> relative to the staged root, with forward slashes.</summary>
    public string Relative(string path) =>
        Path.GetRelativePath(Root, Path.GetFullPath(path)).Replace('\\', '/');

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }

    private static void CopyFolder(string source, string target, Func<string, bool> skip)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file).Replace('\\', '/');
            if (skip(relative))
            {
                continue;
            }

            var destination = Path.Join(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
