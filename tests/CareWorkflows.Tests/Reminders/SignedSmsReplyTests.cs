using System.Net;
using System.Net.Http.Json;
using CareWorkflows.Host.Access;
using CareWorkflows.Host.Api;
using CareWorkflows.Tests.Access;

namespace CareWorkflows.Tests.Reminders;

/// <summary>A gateway's reply webhook cannot carry our API key: it is taken without one when the gateway's signature holds.</summary>
public sealed class SignedSmsReplyTests
{
    private const string AuthToken = "gateway-token-5512";
    private const string Practice = "demo";
    private static readonly string[] SmsOnly = ["sms"];

    [Fact]
    public void Compute_TheGatewaysPublishedExample_GivesItsSignature()
    {
        // The worked example of Twilio's "Webhooks security" page.
        var fields = new Dictionary<string, string>
        {
            ["CallSid"] = "CA1234567890ABCDE", ["Caller"] = "+12349013030", ["Digits"] = "1234", ["From"] = "+12349013030", ["To"] = "+18005551212",
        };

        Assert.Equal("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", GatewaySignature.Compute("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", fields));
    }

    [Fact]
    public async Task SignedStop_WithoutAKey_OptsTheNumberOut_AndAWrongSignatureChangesNothing()
    {
        await using var careflow = await InProcessCareflow.StartAsync(configJson: $$"""{ "Reminders": { "Sms": { "AuthToken": "{{AuthToken}}" } } }""");
        var staff = await careflow.ClientAsync(AccessPolicy.Admin, Practice);
        await staff.PutContactAsync(Practice, "p-text", new { firstName = "Bea", phone = "+1 (312) 555-0143", channels = SmsOnly });
        var gateway = careflow.Anonymous();
        var url = new Uri(careflow.Address, $"api/practices/{Practice}/sms/twilio");
        var stop = new Dictionary<string, string> { ["From"] = "+13125550143", ["To"] = "+13125550100", ["Body"] = "STOP" };

        using (var forged = Signed(url, stop, "not-the-token"))
        using (var answer = await gateway.SendAsync(forged))
        {
            Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
            Assert.Contains("X-Twilio-Signature", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await OptedOutAsync(staff));

        using (var signed = Signed(url, stop, AuthToken))
        using (var answer = await gateway.SendAsync(signed))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        Assert.Equal(["sms"], await OptedOutAsync(staff));
    }

    [Fact]
    public async Task SignedReplies_WithoutAnAuthToken_AreOff_AndSaySo()
    {
        await using var careflow = await InProcessCareflow.StartAsync();
        var url = new Uri(careflow.Address, $"api/practices/{Practice}/sms/twilio");
        using var request = Signed(url, new Dictionary<string, string> { ["From"] = "+13125550143", ["Body"] = "STOP" }, AuthToken);
        using var answer = await careflow.Anonymous().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("Reminders:Sms:AuthToken", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Signed(Uri url, Dictionary<string, string> fields, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add(GatewaySignature.Header, GatewaySignature.Compute(token, url.ToString(), fields));
        return request;
    }

    private static async Task<IReadOnlyList<string>> OptedOutAsync(HttpClient staff)
    {
        var contact = await staff.GetFromJsonAsync<ContactJson>(new Uri($"api/practices/{Practice}/patients/p-text/contact", UriKind.Relative));
        return contact!.OptedOut;
    }

    private sealed record ContactJson(IReadOnlyList<string> OptedOut);
}
