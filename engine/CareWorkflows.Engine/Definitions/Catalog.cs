namespace CareWorkflows.Engine.Definitions;

/// <summary>A role on the care team.</summary>
/// <param name="Id">Kebab-case id, e.g. care-manager.</param>
/// <param name="Title">For people.</param>
/// <param name="Clinical">True when the role's minutes count as clinical staff time (CCM).</param>
public sealed record RoleDefinition(string Id, string Title, bool Clinical);

/// <summary>A care-management program.</summary>
/// <param name="Id">Kebab-case id, e.g. ccm.</param>
/// <param name="Title">For people.</param>
/// <param name="ConsentRequired">True when enrollment needs documented consent (CCM, PCM).</param>
public sealed record ProgramDefinition(string Id, string Title, bool ConsentRequired);

/// <summary>A time a reminder can be anchored to, and the event field it is read from.</summary>
/// <param name="Id">The anchor as written in a reminder's 'at', e.g. appointment.start.</param>
/// <param name="Title">For people.</param>
/// <param name="Event">The event type that carries it; null if no event sets it yet.</param>
/// <param name="Field">The event data field with the time; null for the event's own time.</param>
public sealed record AnchorDefinition(string Id, string Title, string? Event, string? Field);

/// <summary>
/// What workflows may name, declared once in <c>workflows/catalog.yaml</c>: roles, programs, registry lists,
/// event types and reminder anchors; plus the forms, scripts and templates found in the workflows folder.
/// </summary>
public sealed record Catalog
{
    /// <summary>Roles by id.</summary>
    public IReadOnlyDictionary<string, RoleDefinition> Roles { get; init; } = new Dictionary<string, RoleDefinition>();

    /// <summary>Programs by id.</summary>
    public IReadOnlyDictionary<string, ProgramDefinition> Programs { get; init; } = new Dictionary<string, ProgramDefinition>();

    /// <summary>Registry list ids with titles.</summary>
    public IReadOnlyDictionary<string, string> Lists { get; init; } = new Dictionary<string, string>();

    /// <summary>Event type ids with titles.</summary>
    public IReadOnlyDictionary<string, string> Events { get; init; } = new Dictionary<string, string>();

    /// <summary>Reminder anchors by id.</summary>
    public IReadOnlyDictionary<string, AnchorDefinition> Anchors { get; init; } = new Dictionary<string, AnchorDefinition>();

    /// <summary>Form files, relative to the workflows folder (forms/x.yaml).</summary>
    public IReadOnlySet<string> Forms { get; init; } = new HashSet<string>();

    /// <summary>Script files, relative to the workflows folder (scripts/x.md).</summary>
    public IReadOnlySet<string> Scripts { get; init; } = new HashSet<string>();

    /// <summary>Template names with the languages each has a file for.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Templates { get; init; } = new Dictionary<string, IReadOnlySet<string>>();
}
