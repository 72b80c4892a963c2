namespace CareWorkflows.Engine.Diff;

/// <summary>What happened to a part of a definition.</summary>
internal enum DiffKind
{
    Added,
    Removed,
    Changed,
}

/// <summary>
/// One difference between two definition versions, in words a quality lead reads ("step 'contact' due changed from 2
/// business days to 1 business day"), with what it is about so a diagram can mark it: the workflow (or rule set) and
/// the step (or rule).
/// </summary>
/// <param name="Subject">The workflow id (with its practice for an overlay, 'dm-visit (practice northside)'), or 'rules/&lt;set&gt;'.</param>
/// <param name="Item">The step id or rule name; null for the workflow or rule set itself.</param>
/// <param name="Kind">Added, removed or changed.</param>
/// <param name="Text">The sentence.</param>
internal sealed record DiffLine(string Subject, string? Item, DiffKind Kind, string Text)
{
    public override string ToString() => $"{Subject}: {Text}";
}
