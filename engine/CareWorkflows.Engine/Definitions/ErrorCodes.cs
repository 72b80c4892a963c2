namespace CareWorkflows.Engine.Definitions;

/// <summary>
/// The validator's error codes. Codes are API: tests pin them and docs/error-codes.md lists them with an example.
/// A code is never reused for another meaning.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The file is not valid YAML.</summary>
    public const string YamlSyntax = "CW0001";
    /// <summary>A key that nobody reads (with a did-you-mean suggestion).</summary>
    public const string UnknownKey = "CW0002";
    /// <summary>A step kind that does not exist.</summary>
    public const string UnknownKind = "CW0003";
    /// <summary>Two steps share an id.</summary>
    public const string DuplicateStepId = "CW0004";
    /// <summary>A next, branch or otherwise names a step that does not exist.</summary>
    public const string DanglingNext = "CW0005";
    /// <summary>A step no path from the first step reaches.</summary>
    public const string UnreachableStep = "CW0006";
    /// <summary>A loop of steps none of which waits for a person, an event or time.</summary>
    public const string CycleWithoutWait = "CW0007";
    /// <summary>A duration that does not follow the grammar.</summary>
    public const string BadDuration = "CW0008";
    /// <summary>A role not declared in catalog.yaml.</summary>
    public const string UnknownRole = "CW0009";
    /// <summary>A form file that does not exist.</summary>
    public const string UnknownForm = "CW0010";
    /// <summary>A script file that does not exist.</summary>
    public const string UnknownScript = "CW0011";
    /// <summary>A registry list not declared in catalog.yaml.</summary>
    public const string UnknownList = "CW0012";
    /// <summary>A rule expression that does not compile.</summary>
    public const string ExpressionDoesNotCompile = "CW0013";
    /// <summary>An overlay changes a field the standard locked.</summary>
    public const string LockedFieldChanged = "CW0014";
    /// <summary>A required field is missing.</summary>
    public const string MissingField = "CW0015";
    /// <summary>The same key twice in one mapping.</summary>
    public const string DuplicateKey = "CW0016";
    /// <summary>Two workflow files declare the same workflow id.</summary>
    public const string DuplicateWorkflowId = "CW0017";
    /// <summary>A value of the wrong form: not a number, not an allowed word, not kebab-case.</summary>
    public const string InvalidValue = "CW0018";
    /// <summary>An expression that reaches outside the facts: files, processes, environment, reflection.</summary>
    public const string UnsafeExpression = "CW0019";
    /// <summary>A when names a rule that no rule set defines.</summary>
    public const string UnknownRule = "CW0020";
    /// <summary>A next map names an outcome the step cannot have.</summary>
    public const string UnknownOutcome = "CW0021";
    /// <summary>An event type not declared in catalog.yaml.</summary>
    public const string UnknownEvent = "CW0022";
    /// <summary>An overlay extends a workflow that does not exist.</summary>
    public const string UnknownBaseWorkflow = "CW0023";
    /// <summary>A program not declared in catalog.yaml.</summary>
    public const string UnknownProgram = "CW0024";
    /// <summary>A reminder template with no file.</summary>
    public const string UnknownTemplate = "CW0025";
    /// <summary>A reminder time that does not follow the grammar or names an unknown anchor.</summary>
    public const string BadReminderTime = "CW0026";
    /// <summary>YAML anchors and aliases, refused so that no file can expand without bound.</summary>
    public const string AnchorsNotAllowed = "CW0027";
    /// <summary>Two rules share a name across the rule sets.</summary>
    public const string DuplicateRuleName = "CW0028";
    /// <summary>An overlay names a step the standard does not have (a field overlays may not change is CW0002).</summary>
    public const string InvalidOverlay = "CW0029";
    /// <summary>A file too large or nested too deeply to be a definition.</summary>
    public const string FileTooLarge = "CW0030";
    /// <summary>A list, mapping or text where another shape is expected.</summary>
    public const string WrongShape = "CW0031";
    /// <summary>Two rule set files declare the same rule set name.</summary>
    public const string DuplicateRuleSet = "CW0032";
    /// <summary>A reminder template has no file for a language a practice serves.</summary>
    public const string TemplateLanguageMissing = "CW0033";
    /// <summary>A reminder template that does not parse, names a value messages do not have, or does not render.</summary>
    public const string TemplateDoesNotRender = "CW0034";
    /// <summary>Two practices name the same HL7 facility, so its messages would have no one practice.</summary>
    public const string FacilityOfTwoPractices = "CW0035";
}
