namespace CareWorkflows.Engine.Definitions;

/// <summary>Collects problems while loading, so that one run reports all of them.</summary>
internal sealed class Diagnostics
{
    private readonly List<DefinitionError> _errors = [];

    public IReadOnlyList<DefinitionError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public void Add(string code, SourceLocation at, string message) => _errors.Add(new DefinitionError(code, at, message));

    public void AddRange(IEnumerable<DefinitionError> errors) => _errors.AddRange(errors);

    public IReadOnlyList<DefinitionError> Sorted() =>
        [.. _errors.Distinct().OrderBy(e => e.At.File, StringComparer.Ordinal).ThenBy(e => e.At.Line).ThenBy(e => e.At.Column).ThenBy(e => e.Code, StringComparer.Ordinal)];
}
