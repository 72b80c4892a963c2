namespace CareWorkflows.Engine.Persistence;

/// <summary>A workflow version as it was first run, kept so instances finish on it after its file has moved on.</summary>
internal sealed class DefinitionVersionRow
{
    public required string WorkflowId { get; set; }
    public int Version { get; set; }
    public string Practice { get; set; } = "";
    public required string Definition { get; set; }
    public DateTimeOffset StoredAt { get; set; }
}
