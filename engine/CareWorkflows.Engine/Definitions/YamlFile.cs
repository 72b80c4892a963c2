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
        var openFlows = new Stack<SourceLocation>();
        try
        {
            if (!PassesSafetyChecks(text, displayPath, diagnostics, openFlows))
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
        catch (InvalidOperationException) when (openFlows.Count > 0)
        {
            // YamlDotNet gives up on an unclosed { or [ followed by block content with an InvalidOperationException.
            diagnostics.Add(ErrorCodes.YamlSyntax, openFlows.Peek(),
                "this is not valid YAML: a '{' or '[' opened here is never closed. Close it on the same line, or write the value as indented lines.");
            return null;
        }
        catch (YamlException ex)
        {
            // A tab is reported at the token before it; the end mark points at the tab itself.
            var mark = ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) ? ex.End : ex.Start;
            var at = new SourceLocation(displayPath, Math.Max(1, (int)mark.Line), Math.Max(1, (int)mark.Column));
            if (ex.Message.Contains("Duplicate key", StringComparison.OrdinalIgnoreCase))
            {
                var key = KeyAt(text, at);
                diagnostics.Add(ErrorCodes.DuplicateKey, at, $"the key {(key is null ? "" : $"'{key}' ")}is written twice in the same mapping. Keep one of them.");
            }
            else
            {
                diagnostics.Add(ErrorCodes.YamlSyntax, at, $"this is not valid YAML: {Describe(ex)}. Check the indentation and quoting on this line and the one above.");
            }

            return null;
        }
    }

    // YamlDotNet's message does not name the key; the mark points at it, so read it from the line.
    private static string? KeyAt(string text, SourceLocation at)
    {
        var lines = text.Split('\n');
        if (at.Line > lines.Length)
        {
            return null;
        }

        var rest = lines[at.Line - 1][Math.Min(at.Column - 1, lines[at.Line - 1].Length)..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var key = (colon >= 0 ? rest[..colon] : rest).Trim().Trim('"', '\'', '{', ' ');
        return key.Length == 0 ? null : key;
    }

    private static bool PassesSafetyChecks(string text, string displayPath, Diagnostics diagnostics, Stack<SourceLocation> openFlows)
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
                    if (current is MappingStart { Style: MappingStyle.Flow } or SequenceStart { Style: SequenceStyle.Flow })
                    {
                        openFlows.Push(at);
                    }

                    if (++depth > MaxDepth)
                    {
                        diagnostics.Add(ErrorCodes.FileTooLarge, at, $"the YAML is nested more than {MaxDepth} levels deep. A definition never needs that; flatten it.");
                        return false;
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    if (openFlows.Count > 0 && current.End.Index > 0 && IsFlowEnd(text, current))
                    {
                        openFlows.Pop();
                    }

                    break;
            }
        }

        return true;
    }

    private static bool IsFlowEnd(string text, ParsingEvent end) =>
        end.Start.Index < text.Length && text[(int)end.Start.Index] is '}' or ']';

    // YamlDotNet's messages start with "(Line: 3, Col: 5, Idx: 20) - (...): "; the position is already in our prefix.
    private static string Describe(YamlException ex)
    {
        var message = ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        message = cut >= 0 ? message[(cut + 3)..] : message;
        return message.TrimEnd('.').Trim();
    }
}
