using System.Linq.Dynamic.Core;
using System.Linq.Dynamic.Core.CustomTypeProviders;
using System.Linq.Dynamic.Core.Exceptions;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Rules;

/// <summary>
/// The allow-list for rule expressions: an expression may read the typed facts and use text, numbers, dates,
/// Math and list look-ups, nothing else. RulesEngine's parser already refuses System.IO and friends, but it lets
/// <c>x.GetType().Assembly</c> through (shared DEPENDENCIES.md), so every expression is parsed here first and
/// each member and method it touches is checked against the allowed types.
/// </summary>
internal static partial class ExpressionSandbox
{
    private static readonly HashSet<Type> AllowedTypes =
    [
        typeof(PatientFacts), typeof(EventFacts), typeof(ContextFacts),
        typeof(string), typeof(bool), typeof(char), typeof(int), typeof(long), typeof(short), typeof(byte),
        typeof(decimal), typeof(double), typeof(float), typeof(DateTime), typeof(DateTimeOffset), typeof(DateOnly),
        typeof(TimeOnly), typeof(TimeSpan), typeof(Math), typeof(Enumerable), typeof(Convert),
    ];

    private static readonly HashSet<Type> AllowedGenericTypes =
    [
        typeof(Nullable<>), typeof(IReadOnlyList<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>), typeof(ICollection<>),
        typeof(IList<>), typeof(List<>), typeof(IReadOnlyDictionary<,>), typeof(IDictionary<,>), typeof(Dictionary<,>), typeof(KeyValuePair<,>),
    ];

    // The wall clock makes a rule give different answers on replay: rules read context.Now instead.
    private static readonly HashSet<string> WallClock = ["Now", "UtcNow", "Today"];
    private static readonly HashSet<string> BannedMethods = ["GetType", "GetHashCode"];

    private static readonly ParsingConfig Config = new()
    {
        CustomTypeProvider = new FactTypeProvider(),
        IsCaseSensitive = false,
    };

    public static readonly ParameterExpression[] Parameters =
    [
        Expression.Parameter(typeof(PatientFacts), "patient"),
        Expression.Parameter(typeof(EventFacts), "event"),
        Expression.Parameter(typeof(ContextFacts), "context"),
    ];

    /// <summary>Checks an expression; adds CW0019 or CW0013 with the column of the fault and returns false on a problem.</summary>
    public static bool Check(string expression, SourceLocation at, Diagnostics diagnostics)
    {
        var reach = ReachingOut().Match(expression);
        if (reach.Success)
        {
            diagnostics.Add(ErrorCodes.UnsafeExpression, at with { Column = at.Column + reach.Index },
                $"the expression uses '{reach.Value}', which is not allowed: rules may read only patient, event and context facts with text, numbers, dates, Math and list look-ups. Remove it.");
            return false;
        }

        LambdaExpression lambda;
        try
        {
            // Not the generic ParseLambda<bool>: with several parameters it casts to Func<bool> and throws (Dynamic.Core 1.6.2).
#pragma warning disable CA2263
            lambda = DynamicExpressionParser.ParseLambda(Config, false, Parameters, typeof(bool), expression);
#pragma warning restore CA2263
        }
        catch (ParseException ex)
        {
            diagnostics.Add(ErrorCodes.ExpressionDoesNotCompile, at with { Column = at.Column + Math.Max(0, ex.Position) },
                $"the expression does not compile: {ex.Message.TrimEnd('.')}. Facts are listed in docs/facts.md, e.g. 'patient.Hba1c >= 9'.");
            return false;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            diagnostics.Add(ErrorCodes.ExpressionDoesNotCompile, at,
                $"the expression does not compile: {ex.Message.TrimEnd('.')}. It must be a true/false condition over patient, event and context.");
            return false;
        }

        var visitor = new AllowListVisitor();
        visitor.Visit(lambda.Body);
        if (visitor.Refused is { } refused)
        {
            diagnostics.Add(ErrorCodes.UnsafeExpression, at,
                $"the expression uses {refused}, which is not allowed: rules may read only patient, event and context facts with text, numbers, dates, Math and list look-ups. Remove it.");
            return false;
        }

        return true;
    }

    private static bool Allowed(Type? type) =>
        type is null || AllowedTypes.Contains(type) || (type.IsGenericType && AllowedGenericTypes.Contains(type.GetGenericTypeDefinition()));

    private sealed class AllowListVisitor : ExpressionVisitor
    {
        public string? Refused { get; private set; }

        protected override Expression VisitMember(MemberExpression node)
        {
            var wallClock = node.Expression is null && node.Member.DeclaringType is { } type
                && (type == typeof(DateTime) || type == typeof(DateTimeOffset)) && WallClock.Contains(node.Member.Name);
            if (!Allowed(node.Member.DeclaringType) || wallClock)
            {
                Refused ??= $"'{node.Member.DeclaringType?.Name}.{node.Member.Name}'";
            }

            return base.VisitMember(node);
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var declaring = node.Method.DeclaringType;
            var objectMethod = declaring == typeof(object) && node.Method.Name is "Equals" or "ToString";
            if ((!objectMethod && !Allowed(declaring)) || BannedMethods.Contains(node.Method.Name))
            {
                Refused ??= $"'{declaring?.Name}.{node.Method.Name}()'";
            }

            return base.VisitMethodCall(node);
        }

        protected override Expression VisitNew(NewExpression node)
        {
            if (!Allowed(node.Type))
            {
                Refused ??= $"'new {node.Type.Name}'";
            }

            return base.VisitNew(node);
        }
    }

    private sealed class FactTypeProvider : DefaultDynamicLinqCustomTypeProvider
    {
        public FactTypeProvider()
            : base(ParsingConfig.Default, cacheCustomTypes: true)
        {
        }

        public override HashSet<Type> GetCustomTypes() => [typeof(PatientFacts), typeof(EventFacts), typeof(ContextFacts), typeof(Math)];
    }

    [GeneratedRegex(@"\b(System|Environment|Process|File|Directory|Activator|Assembly|AppDomain|typeof|GetType|Reflection|Marshal)\b", RegexOptions.CultureInvariant)]
    private static partial Regex ReachingOut();
}
