using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace CareWorkflows.Host.Pages;

/// <summary>What every page knows: the signed-in caller and what the access policy lets them open.</summary>
internal abstract class CareflowPage : PageModel
{
    /// <summary>The caller; null on the anonymous start and sign-in pages before sign-in.</summary>
    public CareflowUser? Caller => CareflowClaims.User(User);

    /// <summary>The practice the page is about (its route's {practiceId}); null on pages of no practice.</summary>
    public string? Practice => RouteData.Values.TryGetValue(PermissionEndpoints.PracticeRouteValue, out var value) ? value?.ToString() : null;

    /// <summary>The practice the menu links to: the page's, else the caller's only one.</summary>
    public string? MenuPractice => Practice ?? (Caller is { AllPractices: false, Practices: [var only] } ? only : null);

    public bool May(Permission permission, string? practice) => Caller is { } caller && AccessPolicy.Refusal(caller, permission, practice) is null;
}
