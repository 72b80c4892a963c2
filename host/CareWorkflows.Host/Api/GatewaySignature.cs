using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Extensions;

namespace CareWorkflows.Host.Api;

/// <summary>
/// The signature a Twilio-compatible gateway puts on its webhooks (X-Twilio-Signature): Base64 of HMAC-SHA1, keyed by
/// the account's auth token, over the full URL the gateway posted to followed by every form field's name and value,
/// fields in ordinal order of name. A gateway cannot send our API key, so this is how a reply proves where it came from.
/// </summary>
internal static class GatewaySignature
{
    public const string Header = "X-Twilio-Signature";

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The gateway's protocol fixes HMAC-SHA1; we verify, we do not choose.")]
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = new StringBuilder(url);
        foreach (var (name, value) in fields.OrderBy(f => f.Key, StringComparer.Ordinal).ThenBy(f => f.Value, StringComparer.Ordinal))
        {
            text.Append(name).Append(value);
        }

        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>True when the request carries the signature of <paramref name="authToken"/> over its URL and form.</summary>
    public static bool Verify(HttpRequest request, IFormCollection form, string authToken, string? publicBaseUrl)
    {
        if (request.Headers[Header] is not [{ Length: > 0 } sent])
        {
            return false;
        }

        var url = string.IsNullOrWhiteSpace(publicBaseUrl)
            ? request.GetEncodedUrl()
            : publicBaseUrl.TrimEnd('/') + request.PathBase + request.Path + request.QueryString;
        var fields = form.SelectMany(f => f.Value.Select(v => KeyValuePair.Create(f.Key, v ?? "")));
        var expected = Compute(authToken, url, fields);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sent));
    }
}
