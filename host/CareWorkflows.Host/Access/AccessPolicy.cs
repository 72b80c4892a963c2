using CareWorkflows.Engine.Access;

namespace CareWorkflows.Host.Access;

/// <summary>What an endpoint lets its caller do. Every endpoint declares one (<see cref="PermissionEndpoints.RequirePermission{TBuilder}"/>).</summary>
internal enum Permission
{
    /// <summary>Read patients, their tasks, timelines and failed events (PHI).</summary>
    PatientsRead,

    /// <summary>Post events, imports and facts; claim and complete tasks; move enrollments (PHI).</summary>
    PatientsWrite,

    /// <summary>Read workflow definitions and diagrams (no patient data).</summary>
    DefinitionsRead,

    /// <summary>Upload, publish and roll back definitions: a practice's overlays, or the PO standard with a PO-level key.</summary>
    DefinitionsPublish,

    /// <summary>Reports without patient names or identifiers (counts, rates, minutes per practice).</summary>
    ReportsRead,

    /// <summary>Read and export the audit trail.</summary>
    AuditRead,

    /// <summary>Create, list and revoke API keys.</summary>
    KeysManage,
}

/// <summary>Who is calling: from an API key or a JWT, mapped to the same role and practices.</summary>
/// <param name="Actor">Stable id for the audit trail: <c>key:{id}</c> or <c>jwt:{subject}</c>.</param>
/// <param name="Name">The key's label or the token's name claim.</param>
/// <param name="Role">One of the roles of <see cref="AccessPolicy.Roles"/>.</param>
/// <param name="Practices">The practices the caller may see; <see cref="ApiKey.AllPractices"/> alone for a PO-level caller.</param>
internal sealed record CareflowUser(string Actor, string Name, string Role, IReadOnlyList<string> Practices)
{
    public bool AllPractices => Practices.Contains(ApiKey.AllPractices);

    public bool Covers(string practice) => AllPractices || Practices.Contains(practice, StringComparer.Ordinal);
}

/// <summary>
/// THE access policy: which role holds which permission, and how a permission is scoped to practices. The README's
/// role table is this class in words; change both together.
/// </summary>
internal static class AccessPolicy
{
    public const string CareTeam = "care-team";
    public const string QualityStaff = "quality-staff";
    public const string PoAnalyst = "po-analyst";
    public const string Admin = "admin";

    /// <summary>Role → permissions.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<Permission>> Roles = new Dictionary<string, IReadOnlySet<Permission>>(StringComparer.Ordinal)
    {
        [CareTeam] = new HashSet<Permission> { Permission.PatientsRead, Permission.PatientsWrite, Permission.DefinitionsRead },
        [QualityStaff] = new HashSet<Permission> { Permission.DefinitionsRead, Permission.DefinitionsPublish, Permission.ReportsRead },
        [PoAnalyst] = new HashSet<Permission> { Permission.DefinitionsRead, Permission.ReportsRead },
        [Admin] = Enum.GetValues<Permission>().ToHashSet(),
    };

    public static string RoleList => string.Join(", ", Roles.Keys);

    /// <summary>The permission's name in messages and docs: patients.read, definitions.publish ...</summary>
    public static string NameOf(Permission permission) => permission switch
    {
        Permission.PatientsRead => "patients.read",
        Permission.PatientsWrite => "patients.write",
        Permission.DefinitionsRead => "definitions.read",
        Permission.DefinitionsPublish => "definitions.publish",
        Permission.ReportsRead => "reports.read",
        Permission.AuditRead => "audit.read",
        Permission.KeysManage => "keys.manage",
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, null),
    };

    /// <summary>Requests with these permissions read or write PHI: each leaves an audit entry.</summary>
    public static bool IsPatientData(Permission permission) => permission is Permission.PatientsRead or Permission.PatientsWrite;

    /// <summary>
    /// Null when <paramref name="user"/> may use <paramref name="permission"/> on <paramref name="practice"/> (the
    /// practice the request names, or null); otherwise the reason, worded for the caller. A practice the request
    /// names must always be one of the caller's.
    /// </summary>
    public static string? Refusal(CareflowUser user, Permission permission, string? practice)
    {
        ArgumentNullException.ThrowIfNull(user);
        var name = NameOf(permission);
        if (!Roles.TryGetValue(user.Role, out var granted) || !granted.Contains(permission))
        {
            return $"The role '{user.Role}' does not have the permission {name} this endpoint needs (see the role table in the README).";
        }

        if (practice is not null)
        {
            return user.Covers(practice) ? null : $"This key is not for practice '{practice}'. Use a key created with --practice {practice}.";
        }

        return permission switch
        {
            // A PO-level key reads reports across every practice (the conformance report without ?practice=).
            Permission.ReportsRead when user.AllPractices => null,
            // Patient data and reports always belong to one practice; an endpoint that names none is refused rather than guessed.
            Permission.PatientsRead or Permission.PatientsWrite or Permission.ReportsRead =>
                $"This endpoint needs {name} but names no practice. Call it under /api/practices/{{practice}}/ or with ?practice=.",
            // Without a practice, publishing means the PO's standard definitions; keys span practices.
            Permission.DefinitionsPublish or Permission.KeysManage when !user.AllPractices =>
                $"{name} without a practice acts for the whole PO and needs a PO-level key (careflow keys create --all-practices).",
            _ => null,
        };
    }
}
