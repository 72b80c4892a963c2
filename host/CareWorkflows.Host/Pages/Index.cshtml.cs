using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages;

/// <summary>The start page: where to go after sign-in, and where the API is. Shows no patient data.</summary>
[AllowAnonymous]
internal sealed class IndexModel : CareflowPage
{
    /// <summary>A PO-level caller names the practice to open.</summary>
    public IActionResult OnGet(string? practice) =>
        Caller is not null && !string.IsNullOrWhiteSpace(practice) ? Redirect($"/practices/{Uri.EscapeDataString(practice.Trim())}/worklist") : Page();
}
