namespace CareWorkflows.Engine.Definitions;

/// <summary>A field of a form staff fill in.</summary>
public sealed record FormField(string Id, string Label, string Type, bool Required)
{
    /// <summary>Choices, for a choice field.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Lowest value, for a number or scale.</summary>
    public int? Min { get; init; }

    /// <summary>Highest value, for a number or scale.</summary>
    public int? Max { get; init; }
}

/// <summary>A form: the fields a task asks staff to fill in (forms/&lt;id&gt;.yaml).</summary>
public sealed record FormDefinition(string Id, string Title, IReadOnlyList<FormField> Fields, SourceLocation At)
{
    /// <summary>The field types a form may use.</summary>
    public static IReadOnlyList<string> FieldTypes { get; } = ["text", "long-text", "number", "scale", "yes-no", "choice", "date"];
}
