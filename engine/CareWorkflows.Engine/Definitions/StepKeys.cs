namespace CareWorkflows.Engine.Definitions;

/// <summary>The keys each step kind reads; the fixed registry from the YAML kind to the step subtype.</summary>
internal static class StepKeys
{
    private static readonly string[] Common = ["id", "kind", "title", "description", "next"];

    public static IReadOnlyDictionary<string, IReadOnlyCollection<string>> ByKind { get; } = new Dictionary<string, IReadOnlyCollection<string>>
    {
        ["task"] = [.. Common, "role", "due", "form", "script", "outcomes", "priority"],
        ["outreach"] = [.. Common, "role", "attempts", "cadence", "due", "script", "form", "channel", "session"],
        ["reminder"] = [.. Common, "template", "at", "channel"],
        ["wait"] = [.. Common, "for", "timeout"],
        ["decide"] = ["id", "kind", "title", "description", "branches", "otherwise"],
        ["record"] = [.. Common, "list", "fact", "value"],
        ["escalate"] = [.. Common, "role", "reason", "due", "priority"],
        ["end"] = ["id", "kind", "title", "description", "reason"],
    };

    public static IReadOnlyCollection<string> AllKeys { get; } = [.. ByKind.Values.SelectMany(k => k).Distinct()];

    /// <summary>Fields an overlay may change on a standard step.</summary>
    public static IReadOnlyCollection<string> Overridable { get; } = ["title", "description", "role", "due", "script", "form", "cadence", "attempts", "timeout", "template", "at", "channel", "priority"];

    public static IReadOnlyList<string> Channels { get; } = ["phone", "sms", "email", "letter", "portal", "in-person"];

    public static IReadOnlyList<string> Priorities { get; } = ["routine", "high", "urgent"];
}
