namespace CareWorkflows.Engine.Definitions;

/// <summary>One problem found in a definition, rule set or catalog file.</summary>
/// <param name="Code">The stable error code, CW followed by four digits (docs/error-codes.md).</param>
/// <param name="At">Where the problem is.</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record DefinitionError(string Code, SourceLocation At, string Message)
{
    /// <summary>The one-line form the validator prints: <c>path:line:col: error CW####: message</c>.</summary>
    public override string ToString() => $"{At}: error {Code}: {Message}";
}

/// <summary>Thrown when definitions fail to load; carries every problem found, not only the first.</summary>
public sealed class DefinitionException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public DefinitionException(IReadOnlyList<DefinitionError> errors)
        : base(FormatMessage(errors)) => Errors = errors;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<DefinitionError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<DefinitionError> errors) =>
        $"{errors.Count} problem(s) in the definitions:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}";
}
