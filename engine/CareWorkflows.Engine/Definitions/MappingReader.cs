using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>
/// Reads the keys of one YAML mapping, reporting unknown keys (with a suggestion), missing keys and values of
/// the wrong shape with their line and column. Every problem is collected; reading goes on after one.
/// </summary>
internal sealed partial class MappingReader
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public MappingReader(YamlMappingNode node, SourceFile file, string what, IReadOnlyCollection<string> allowedKeys)
    {
        _node = node;
        File = file;
        What = what;
        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                file.Add(ErrorCodes.WrongShape, keyNode, $"a key in {what} is not plain text. Write keys as words, e.g. 'title:'.");
                continue;
            }

            if (!allowedKeys.Contains(key))
            {
                file.Add(ErrorCodes.UnknownKey, keyNode,
                    $"unknown key '{key}' in {what}.{Suggestions.DidYouMean(key, allowedKeys)} Allowed keys: {string.Join(", ", allowedKeys)}.");
                continue;
            }

            _entries[key] = (scalarKey, value);
        }
    }

    public SourceFile File { get; }

    public string What { get; }

    public SourceLocation At => File.At(_node);

    public bool Has(string key) => _entries.ContainsKey(key);

    public IEnumerable<string> Keys => _entries.Keys;

    public YamlNode? Node(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public SourceLocation KeyAt(string key) => _entries.TryGetValue(key, out var entry) ? File.At(entry.Key) : At;

    public YamlNode? KeyNode(string key) => _entries.TryGetValue(key, out var entry) ? entry.Key : null;

    /// <summary>Where the text of a value starts: after the opening quote of a quoted value.</summary>
    public SourceLocation TextAt(string key)
    {
        var at = ValueAt(key);
        return Node(key) is YamlScalarNode { Style: ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted } ? at with { Column = at.Column + 1 } : at;
    }

    public SourceLocation ValueAt(string key) => _entries.TryGetValue(key, out var entry) ? File.At(entry.Value) : At;

    public string? Text(string key, bool required = false, string? example = null)
    {
        var node = Node(key);
        if (node is null)
        {
            if (required)
            {
                Missing(key, example);
            }

            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            var value = scalar.Value?.Trim();
            if (string.IsNullOrEmpty(value) && scalar.Style == ScalarStyle.Plain)
            {
                File.Add(ErrorCodes.MissingField, node, $"'{key}' in {What} has no value.{Example(key, example)}");
                return null;
            }

            return value;
        }

        File.Add(ErrorCodes.WrongShape, node, $"'{key}' in {What} must be a single value, not a {ShapeOf(node)}.{Example(key, example)}");
        return null;
    }

    public string? Id(string key, bool required = true, string? example = null)
    {
        var value = Text(key, required, example);
        if (value is not null && !KebabCase().IsMatch(value))
        {
            File.Add(ErrorCodes.InvalidValue, ValueAt(key),
                $"'{value}' is not a valid {key}: use lower-case words joined by hyphens, e.g. '{ToKebab(value)}'.");
            return null;
        }

        return value;
    }

    public int? Integer(string key, bool required = false, int min = int.MinValue)
    {
        var text = Text(key, required);
        if (text is null)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            File.Add(ErrorCodes.InvalidValue, ValueAt(key),
                $"'{key}' in {What} must be a whole number{(min > int.MinValue ? $" of at least {min}" : "")}, not '{text}'.");
            return null;
        }

        return value;
    }

    public bool? Boolean(string key)
    {
        var text = Text(key);
        switch (text?.ToLowerInvariant())
        {
            case null: return null;
            case "true" or "yes": return true;
            case "false" or "no": return false;
            default:
                File.Add(ErrorCodes.InvalidValue, ValueAt(key), $"'{key}' in {What} must be true or false, not '{text}'.");
                return null;
        }
    }

    /// <summary>An allowed word, e.g. a phase; reports the allowed ones with a suggestion.</summary>
    public string? OneOf(string key, IReadOnlyCollection<string> allowed, bool required = false)
    {
        var text = Text(key, required, allowed.First());
        if (text is not null && !allowed.Contains(text))
        {
            File.Add(ErrorCodes.InvalidValue, ValueAt(key),
                $"'{text}' is not a valid {key}.{Suggestions.DidYouMean(text, allowed)} Use one of: {string.Join(", ", allowed)}.");
            return null;
        }

        return text;
    }

    /// <summary>A list of words; a single word is accepted where <paramref name="allowSingle"/>.</summary>
    public IReadOnlyList<(string Value, SourceLocation At)> TextList(string key, bool required = false, bool allowSingle = false)
    {
        var node = Node(key);
        switch (node)
        {
            case null:
                if (required)
                {
                    Missing(key, null);
                }

                return [];
            case YamlScalarNode scalar when allowSingle && !string.IsNullOrWhiteSpace(scalar.Value):
                return [(scalar.Value.Trim(), File.At(scalar))];
            case YamlSequenceNode sequence:
                var items = new List<(string, SourceLocation)>();
                foreach (var item in sequence.Children)
                {
                    if (item is YamlScalarNode { Value: { } value } && !string.IsNullOrWhiteSpace(value))
                    {
                        items.Add((value.Trim(), File.At(item)));
                    }
                    else
                    {
                        File.Add(ErrorCodes.WrongShape, item, $"each item of '{key}' in {What} must be a single value.");
                    }
                }

                return items;
            default:
                File.Add(ErrorCodes.WrongShape, node, $"'{key}' in {What} must be a list, e.g. '{key}: [a, b]'.");
                return [];
        }
    }

    public YamlMappingNode? Mapping(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null && required)
        {
            Missing(key, null);
        }

        if (node is null or YamlMappingNode)
        {
            return node as YamlMappingNode;
        }

        File.Add(ErrorCodes.WrongShape, node, $"'{key}' in {What} must be a mapping of 'name: value' lines, not a {ShapeOf(node)}.");
        return null;
    }

    /// <summary>The entries of a mapping-valued key; none when the key is absent.</summary>
    public IEnumerable<KeyValuePair<YamlNode, YamlNode>> Pairs(string key) =>
        Mapping(key)?.Children ?? (IEnumerable<KeyValuePair<YamlNode, YamlNode>>)[];

    public YamlSequenceNode? Sequence(string key, bool required = false)
    {
        var node = Node(key);
        if (node is null && required)
        {
            Missing(key, null);
        }

        if (node is null or YamlSequenceNode)
        {
            return node as YamlSequenceNode;
        }

        File.Add(ErrorCodes.WrongShape, node, $"'{key}' in {What} must be a list (lines starting with '- '), not a {ShapeOf(node)}.");
        return null;
    }

    public void Missing(string key, string? example) =>
        File.Add(ErrorCodes.MissingField, At, $"{What} has no '{key}'. Add it.{Example(key, example)}");

    public static string ShapeOf(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "single value",
    };

    private static string Example(string key, string? example) => example is null ? "" : $" For example '{key}: {example}'.";

    private static string ToKebab(string value) =>
        Regex.Replace(Regex.Replace(value.Trim(), "([a-z0-9])([A-Z])", "$1-$2"), "[^A-Za-z0-9]+", "-").Trim('-').ToLowerInvariant();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    public static partial Regex KebabCase();
}

/// <summary>A file being read: its display path and where problems go.</summary>
internal sealed class SourceFile(string displayPath, Diagnostics diagnostics)
{
    public string Path { get; } = displayPath;

    public Diagnostics Diagnostics { get; } = diagnostics;

    /// <summary>Nodes merged in from another file (an overlay) keep that file's path.</summary>
    public Dictionary<YamlNode, string> Origins { get; } = new(ReferenceEqualityComparer.Instance);

    public SourceLocation At(YamlNode node) =>
        new(Origins.TryGetValue(node, out var origin) ? origin : Path, Math.Max(1, (int)node.Start.Line), Math.Max(1, (int)node.Start.Column));

    public void Add(string code, YamlNode node, string message) => Diagnostics.Add(code, At(node), message);

    public void Add(string code, SourceLocation at, string message) => Diagnostics.Add(code, at, message);
}
