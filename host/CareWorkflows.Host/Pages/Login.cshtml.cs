using CareWorkflows.Engine.Access;
using CareWorkflows.Host.Access;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace CareWorkflows.Host.Pages;

/// <summary>Sign-in with an API key: the same keys, roles and practices as the API.</summary>
[AllowAnonymous]
internal sealed class LoginModel : CareflowPage
{
    [BindProperty]
    public string? Key { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnPostAsync()
    {
        var key = Key?.Trim() ?? "";
        if (key.Length == 0)
        {
            ModelState.AddModelError(nameof(Key), "Paste your API key into the API key field.");
        }
        else if (ApiKey.Parse(key) is null)
        {
            ModelState.AddModelError(nameof(Key), $"That is not a careflow API key: keys start with '{ApiKey.Prefix}'. Paste the whole key that careflow keys create (or serve --demo) printed.");
        }
        else if (!await PageSignIn.SignInAsync(HttpContext, key))
        {
            ModelState.AddModelError(nameof(Key), "This API key is unknown or revoked. Ask an admin for a current key (careflow keys create).");
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
