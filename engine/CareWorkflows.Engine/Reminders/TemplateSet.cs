using System.Globalization;
using System.Text.RegularExpressions;
using CareWorkflows.Engine.Definitions;
using Fluid;

namespace CareWorkflows.Engine.Reminders;

/// <summary>
/// The reminder texts, <c>workflows/templates/&lt;name&gt;.&lt;language&gt;.liquid</c>, parsed once when the definitions
/// load (Fluid) and checked then: each parses, names only values of <see cref="TemplateModel"/>, and renders
/// with sample data; every template a workflow names has a file for every language its practices serve.
/// </summary>
public sealed partial class TemplateSet
{
    private static readonly FluidParser Parser = new();
    private readonly Dictionary<(string Name, string Language), Parsed> _templates;

    // Every file found, usable or not: a file with a mistake is reported once, not also as a missing language.
    private readonly HashSet<(string Name, string Language)> _files;

    private TemplateSet(Dictionary<(string Name, string Language), Parsed> templates, HashSet<(string Name, string Language)> files) =>
        (_templates, _files) = (templates, files);

    /// <summary>No templates.</summary>
    public static TemplateSet Empty { get; } = new([], []);

    /// <summary>True when the template has a file in the language.</summary>
    public bool Has(string name, string language) => _templates.ContainsKey((name, language));

    /// <summary>True when the template shows the group-visit session (so an email carries it as an iCalendar invitation).</summary>
    public bool ShowsSession(string name, string language) =>
        _templates.TryGetValue((name, language), out var parsed) && parsed.Source.Contains("session.", StringComparison.Ordinal);

    /// <summary>The message text; throws <see cref="InvalidOperationException"/> when the template is missing.</summary>
    public string Render(string name, string language, TemplateModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!_templates.TryGetValue((name, language), out var parsed))
        {
            throw new InvalidOperationException($"There is no template workflows/templates/{name}.{language}.liquid.");
        }

        return parsed.Template.Render(Context(model, language, strict: false)).Trim();
    }

    /// <summary>Reads and checks every template file of a workflows folder.</summary>
    internal static TemplateSet Load(string workflowsDirectory, IReadOnlyDictionary<string, PracticeSettings> practices, Diagnostics diagnostics)
    {
        var folder = Path.Join(workflowsDirectory, "templates");
        var templates = new Dictionary<(string, string), Parsed>();
        var files = new HashSet<(string, string)>();
        if (!Directory.Exists(folder))
        {
            return new TemplateSet(templates, files);
        }

        var sample = TemplateModel.Sample(practices.Values.FirstOrDefault() ?? PracticeSettings.Default("sample"));
        foreach (var path in Directory.EnumerateFiles(folder, "*.liquid").Order(StringComparer.Ordinal))
        {
            var stem = Path.GetFileNameWithoutExtension(path);
            var dot = stem.LastIndexOf('.');
            if (dot <= 0)
            {
                continue;
            }

            files.Add((stem[..dot], stem[(dot + 1)..]));
            var display = DefinitionLoader.Display(workflowsDirectory, path);
            var source = File.ReadAllText(path);
            if (Check(source, display, stem[(dot + 1)..], sample, diagnostics) is { } template)
            {
                templates[(stem[..dot], stem[(dot + 1)..])] = new Parsed(template, source);
            }
        }

        return new TemplateSet(templates, files);
    }

    /// <summary>Every template a workflow names needs a file in every language of every practice that runs the workflow.</summary>
    internal void CheckLanguages(IEnumerable<WorkflowDefinition> workflows, IReadOnlyDictionary<string, PracticeSettings> practices, Diagnostics diagnostics)
    {
        // A practice without practice.yaml serves English.
        var serving = practices.Values.Select(p => (Practice: (string?)p.Id, p.Languages)).Append((null, ["en"])).ToList();
        foreach (var workflow in workflows)
        {
            var runners = workflow.Practice is null ? serving : serving.Where(s => s.Practice == workflow.Practice).ToList();
            foreach (var reminder in workflow.Steps.OfType<ReminderStep>().Where(r => _files.Any(f => f.Name == r.Template)))
            {
                foreach (var language in runners.SelectMany(r => r.Languages).Distinct(StringComparer.Ordinal).Where(l => !_files.Contains((reminder.Template, l))))
                {
                    var who = runners.Where(r => r.Languages.Contains(language)).Select(r => r.Practice is null ? "every practice without practice.yaml" : $"practice '{r.Practice}'");
                    diagnostics.Add(ErrorCodes.TemplateLanguageMissing, reminder.TemplateAt ?? reminder.At,
                        $"template '{reminder.Template}' has no '{language}' file, and {string.Join(" and ", who)} serves '{language}'. Add workflows/templates/{reminder.Template}.{language}.liquid, or take '{language}' out of the practice's languages.");
                }
            }
        }
    }

    private static IFluidTemplate? Check(string source, string display, string language, TemplateModel sample, Diagnostics diagnostics)
    {
        if (!Parser.TryParse(source, out var template, out var error))
        {
            var position = ParsePosition().Match(error ?? "");
            var at = position.Success
                ? new SourceLocation(display, int.Parse(position.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(position.Groups["column"].Value, CultureInfo.InvariantCulture))
                : new SourceLocation(display, 1, 1);
            diagnostics.Add(ErrorCodes.TemplateDoesNotRender, at, $"the template does not parse: {FirstLine(error)}. Close every {{{{ with }}}} and every {{% tag %}} as Liquid requires.");
            return null;
        }

        var problems = diagnostics.Errors.Count;
        var locals = LocalName().Matches(source).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        foreach (Match use in OutputPath().Matches(source))
        {
            var path = use.Groups["path"];
            var root = path.Value.Split('.')[0];
            if (TemplateModel.Paths.Contains(path.Value, StringComparer.Ordinal) || locals.Contains(root) || root is "true" or "false" or "nil" or "empty" or "blank")
            {
                continue;
            }

            var (line, column) = LineAndColumn(source, path.Index);
            diagnostics.Add(ErrorCodes.TemplateDoesNotRender, new SourceLocation(display, line, column),
                $"messages have no value '{path.Value}'.{Suggestions.DidYouMean(path.Value, TemplateModel.Paths)} Templates may use {string.Join(", ", TemplateModel.Paths)}.");
        }

        if (diagnostics.Errors.Count > problems)
        {
            return null;
        }

        try
        {
            template.Render(Context(sample, language, strict: true));
        }
        catch (Exception ex) when (ex is FluidException or ArgumentException or FormatException or InvalidOperationException)
        {
            diagnostics.Add(ErrorCodes.TemplateDoesNotRender, new SourceLocation(display, 1, 1),
                $"the template does not render with sample data: {FirstLine(ex.Message)}. Use only the filters of Liquid and the values listed in docs/reminders.md.");
            return null;
        }

        return template;
    }

    private static TemplateContext Context(TemplateModel model, string language, bool strict)
    {
        var options = new TemplateOptions
        {
            StrictVariables = strict,
            StrictFilters = true,
            CultureInfo = Culture(language),
            TimeZone = model.TimeZone,
        };
        var context = new TemplateContext(options);
        foreach (var (name, value) in model.Sections())
        {
            context.SetValue(name, value);
        }

        return context;
    }

    private static CultureInfo Culture(string language)
    {
        try
        {
            return CultureInfo.GetCultureInfo(language);
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }

    private static (int Line, int Column) LineAndColumn(string text, int index)
    {
        var before = text.AsSpan(0, index);
        var line = before.Count('\n') + 1;
        var column = index - (before.LastIndexOf('\n') + 1) + 1;
        return (line, column);
    }

    private static string FirstLine(string? text) => (text ?? "unknown error").Split('\n')[0].Trim().TrimEnd('.');

    [GeneratedRegex(@"\((?<line>\d+):(?<column>\d+)\)", RegexOptions.CultureInvariant)]
    private static partial Regex ParsePosition();

    // The value an output or a condition starts with: {{ patient.first_name | ... }}, {% if session.place %}.
    [GeneratedRegex(@"(?:\{\{-?|\{%-?\s*(?:if|elsif|unless|case|when))\s*(?<path>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)", RegexOptions.CultureInvariant)]
    private static partial Regex OutputPath();

    [GeneratedRegex(@"\{%-?\s*(?:assign|capture|for)\s+(?<name>[A-Za-z_]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex LocalName();

    private sealed record Parsed(IFluidTemplate Template, string Source);
}
