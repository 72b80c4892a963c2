namespace CareWorkflows.Engine.Persistence;

/// <summary>A workflow version as it was first run or published, kept so instances finish on it after its file has moved on.</summary>
internal sealed class DefinitionVersionRow
{
    public required string WorkflowId { get; set; }
    public int Version { get; set; }
    public string Practice { get; set; } = "";
    public required string Definition { get; set; }
    public DateTimeOffset StoredAt { get; set; }

    /// <summary>The YAML file as written, for a rollback to this version; null for versions stored before it was kept.</summary>
    public string? Source { get; set; }

    /// <summary>The change note given when the version was published with <c>careflow definitions publish</c>.</summary>
    public string? Note { get; set; }

    public string? PublishedBy { get; set; }

    public DateTimeOffset? PublishedAt { get; set; }
}
