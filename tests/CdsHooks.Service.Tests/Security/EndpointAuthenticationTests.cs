using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdsHooks.Service.Tests.Prefetch;

namespace CdsHooks.Service.Tests.Security;

/// <summary>Authentication per endpoint: feedback has its own audience, discovery is public by default,
/// browsers get CORS headers on preflights and on 401s, and in Production only allow-listed FHIR servers are read.</summary>
public sealed class EndpointAuthenticationTests(SecuredService service) : IClassFixture<SecuredService>
{
    private const string FeedbackBody =
        "{\"feedback\":[{\"card\":\"0e9d4f43-8c10-4a8c-8f0e-7f52d6a6c1a1\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2026-11-20T09:00:00Z\"}]}";

    [Fact]
    public async Task Feedback_FeedbackAudience_200AndHookAudience_401()
    {
        var feedback = SecuredService.HookAudience + "/feedback";

        var ok = await PostFeedback(service.Token(feedback));
        var wrong = await PostFeedback(service.Token());
        var none = await PostFeedback(null);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public async Task Discovery_PublicByDefault_200WithoutToken()
    {
        using var response = await service.Client.GetAsync(new Uri("/cds-services", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Preflight_NoToken_PassesWithCorsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, new Uri($"/cds-services/{HookCalls.OrderSign}", UriKind.Relative));
        request.Headers.Add("Origin", "https://sandbox.cds-hooks.org");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await service.Client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("Authorization", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_401FromBrowser_CarriesCorsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/cds-services/{HookCalls.OrderSign}", UriKind.Relative))
        {
            Content = new StringContent(HookCalls.TdmWithLetrozole().ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "https://sandbox.cds-hooks.org");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadTokens.Build(service, "expired"));

        using var response = await service.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Post_ProductionWithAllowListedFhirServer_FetchesWithToken()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(service.Fhir.BaseUrl, "fhir-token-prod"), bearer: service.Token());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.True(!answer.Details.Contains("could not be obtained", StringComparison.Ordinal), service.Logs.All);
        Assert.Contains(service.Fhir.Requests, r => r.Authorization == "Bearer fhir-token-prod");
        Assert.DoesNotContain("fhir-token-prod", service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ProductionWithOtherFhirServer_NeverCalled()
    {
        await using var other = HttpStub.Start();

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(other.BaseUrl, "t"), bearer: service.Token());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(other.Requests);
        Assert.Contains("could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostFeedback(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/cds-services/{HookCalls.OrderSign}/feedback", UriKind.Relative))
        {
            Content = new StringContent(FeedbackBody, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await service.Client.SendAsync(request);
    }
}
