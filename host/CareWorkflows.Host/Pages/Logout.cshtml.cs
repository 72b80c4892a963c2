using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages;

/// <summary>Sign-out: the session cookie is removed (POST only, with the antiforgery token).</summary>
[AllowAnonymous]
internal sealed class LogoutModel : CareflowPage
{
    public async Task<IActionResult> OnPostAsync()
    {
        await PageSignIn.SignOutAsync(HttpContext);
        return RedirectToPage();
    }
}
