using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>
/// Reads a definition file into YamlDotNet's node model, which keeps the line and column of every node.
/// Refuses files that are too large, nested too deeply, or use anchors and aliases, before building the tree.
/// </summary>
internal static class YamlFile
{
    public const int MaxBytes = 1024 * 1024;
    public const int MaxDepth = 64;

    /// <summary>The document's root node, or null with the problem added to <paramref name="diagnostics"/>.</summary>
    public static YamlNode? Load(string path, string displayPath, Diagnostics diagnostics)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
        {
            diagnostics.Add(ErrorCodes.FileTooLarge, new SourceLocation(displayPath, 1, 1),
                $"the file is {info.Length:N0} bytes; a definition may be at most {MaxBytes:N0}. Split it into several workflows.");
            return null;
        }

        return Parse(File.ReadAllText(path), displayPath, diagnostics);
    }

    public static YamlNode? Parse(string text, string displayPath, Diagnostics diagnostics)
    {
        try
        {
            if (!PassesSafetyChecks(text, displayPath, diagnostics))
            {
                return null;
            }

            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                diagnostics.Add(ErrorCodes.MissingField, new SourceLocation(displayPath, 1, 1), "the file is empty. Write the definition, or delete the file.");
                return null;
            }

            return stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            var at = new SourceLocation(displayPath, Math.Max(1, (int)ex.Start.Line), Math.Max(1, (int)ex.Start.Column));
            if (ex.Message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase))
            {
                var key = ex.InnerException?.Message is { } inner && inner.Contains("Key:", StringComparison.Ordinal)
                    ? inner[(inner.IndexOf("Key:", StringComparison.Ordinal) + 4)..].Trim()
                    : null;
                diagnostics.Add(ErrorCodes.DuplicateKey, at, $"the key {(key is null ? "" : $"'{key}' ")}is written twice in the same mapping. Keep one of them.");
            }
            else
            {
                diagnostics.Add(ErrorCodes.YamlSyntax, at, $"this is not valid YAML: {Describe(ex)}. Check the indentation and quoting on this line and the one above.");
            }

            return null;
        }
    }

    private static bool PassesSafetyChecks(string text, string displayPath, Diagnostics diagnostics)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            var at = new SourceLocation(displayPath, (int)current.Start.Line, (int)current.Start.Column);
            switch (current)
            {
                case AnchorAlias:
                case NodeEvent { Anchor.IsEmpty: false }:
                    diagnostics.Add(ErrorCodes.AnchorsNotAllowed, at, "YAML anchors and aliases (& and *) are not allowed in definitions. Write the value out in full.");
                    return false;
                case MappingStart or SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        diagnostics.Add(ErrorCodes.FileTooLarge, at, $"the YAML is nested more than {MaxDepth} levels deep. A definition never needs that; flatten it.");
                        return false;
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }

        return true;
    }

    // YamlDotNet's messages start with "(Line: 3, Col: 5, Idx: 20) - (...): "; the position is already in our prefix.
    private static string Describe(YamlException ex)
    {
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        message = cut >= 0 ? message[(cut + 3)..] : message;
        return message.TrimEnd('.').Trim();
    }
}
