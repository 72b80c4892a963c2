using YamlDotNet.RepresentationModel;

namespace CareWorkflows.Engine.Definitions;

/// <summary>Reads <c>workflows/catalog.yaml</c> and the form and script files beside it.</summary>
internal static class CatalogReader
{
    private static readonly string[] Sections = ["roles", "programs", "lists", "events", "anchors"];
    private static readonly string[] ProgramKeys = ["title", "consent"];
    private static readonly string[] AnchorKeys = ["title", "event", "field"];
    private static readonly string[] FormKeys = ["form", "title", "description", "fields"];
    private static readonly string[] FieldKeys = ["id", "label", "type", "required", "options", "min", "max", "help"];

    public static Catalog Read(YamlNode? root, SourceFile file)
    {
        if (root is not YamlMappingNode mapping)
        {
            if (root is not null)
            {
                file.Add(ErrorCodes.WrongShape, root, "the catalog must be a mapping with roles, programs, lists, events and anchors.");
            }

            return new Catalog();
        }

        var map = new MappingReader(mapping, file, "the catalog", Sections);
        var roles = new Dictionary<string, RoleDefinition>(StringComparer.Ordinal);
        foreach (var (id, entry) in Entries(map, "roles", ["title", "clinical"]))
        {
            roles[id] = new RoleDefinition(id, entry.Text("title", required: true) ?? id, entry.Boolean("clinical") ?? false);
        }

        return new Catalog
        {
            Roles = roles,
            Programs = Entries(map, "programs", ProgramKeys).ToDictionary(
                e => e.Id, e => new ProgramDefinition(e.Id, e.Entry.Text("title", required: true) ?? e.Id, e.Entry.Boolean("consent") ?? false), StringComparer.Ordinal),
            Lists = Titles(map, "lists"),
            Events = Titles(map, "events"),
            Anchors = Entries(map, "anchors", AnchorKeys).ToDictionary(
                e => e.Id, e => new AnchorDefinition(e.Id, e.Entry.Text("title", required: true) ?? e.Id, e.Entry.Text("event"), e.Entry.Text("field")), StringComparer.Ordinal),
        };
    }

    public static FormDefinition? ReadForm(YamlNode root, SourceFile file, string expectedId)
    {
        if (root is not YamlMappingNode mapping)
        {
            file.Add(ErrorCodes.WrongShape, root, "a form must be a mapping with 'form', 'title' and 'fields'.");
            return null;
        }

        var map = new MappingReader(mapping, file, "the form", FormKeys);
        var id = map.Id("form", example: expectedId);
        var title = map.Text("title", required: true);
        if (id is not null && id != expectedId)
        {
            file.Diagnostics.Add(ErrorCodes.InvalidValue, map.ValueAt("form"), $"the form id '{id}' does not match its file name; rename it to '{expectedId}' or rename the file.");
        }

        var fields = new List<FormField>();
        foreach (var node in map.Sequence("fields", required: true)?.Children ?? [])
        {
            if (node is not YamlMappingNode fieldNode)
            {
                file.Add(ErrorCodes.WrongShape, node, "each form field must be a mapping, e.g. '- { id: goal, label: My goal, type: text }'.");
                continue;
            }

            var field = new MappingReader(fieldNode, file, "a form field", FieldKeys);
            var fieldId = field.Id("id");
            var label = field.Text("label", required: true);
            var type = field.OneOf("type", FormDefinition.FieldTypes, required: true);
            var options = field.TextList("options");
            if (type == "choice" && options.Count == 0)
            {
                field.Missing("options", "[yes, no]");
            }

            if (fieldId is not null && label is not null && type is not null)
            {
                fields.Add(new FormField(fieldId, label, type, field.Boolean("required") ?? false)
                {
                    Options = [.. options.Select(o => o.Value)],
                    Min = field.Integer("min"),
                    Max = field.Integer("max"),
                });
            }
        }

        return id is null || title is null ? null : new FormDefinition(id, title, fields, map.At);
    }

    private static Dictionary<string, string> Titles(MappingReader map, string section) =>
        Entries(map, section, ["title"]).ToDictionary(e => e.Id, e => e.Entry.Text("title", required: true) ?? e.Id, StringComparer.Ordinal);

    private static IEnumerable<(string Id, MappingReader Entry)> Entries(MappingReader map, string section, string[] keys)
    {
        if (map.Mapping(section, required: true) is not { } mapping)
        {
            yield break;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var id = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!MappingReader.KebabCase().IsMatch(id.Replace('.', '-')))
            {
                map.File.Add(ErrorCodes.InvalidValue, keyNode, $"'{id}' is not a valid id in '{section}': use lower-case words joined by hyphens (events may use dots).");
                continue;
            }

            if (value is not YamlMappingNode entry)
            {
                map.File.Add(ErrorCodes.WrongShape, value, $"'{id}' in '{section}' must be a mapping, e.g. '{id}: {{ title: ... }}'.");
                continue;
            }

            yield return (id, new MappingReader(entry, map.File, $"'{id}' in '{section}'", keys));
        }
    }
}
