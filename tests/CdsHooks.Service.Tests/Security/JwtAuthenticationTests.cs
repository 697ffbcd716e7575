using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdsHooks.Service.Tests.Prefetch;

namespace CdsHooks.Service.Tests.Security;

/// <summary>
/// CDS client JWTs through the real pipeline (Production, authentication required): the valid ones pass,
/// every way a token can be wrong is a bare 401 with <c>WWW-Authenticate: Bearer</c> and the reason only
/// in the log (CDS Hooks 2.0 §Trusting CDS Clients; cds-hooks.org best practices).
/// </summary>
public sealed class JwtAuthenticationTests(SecuredService service) : IClassFixture<SecuredService>
{
    private static long Now => TestTokens.Now;

    [Fact]
    public async Task Post_ValidEs384_200()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: service.Token());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
    }

    [Fact]
    public async Task Post_ValidRs384_200()
    {
        var token = TestTokens.Sign(service.EhrKeys.Rsa, "RS384", TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience), service.JwksUrl.AbsoluteUri);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Post_AudienceArrayNamingThisEndpoint_200()
    {
        var claims = TestTokens.Claims(SecuredService.Ehr, new[] { "https://other.example.org/cds-services", SecuredService.HookAudience });
        var token = TestTokens.Sign(service.EhrKeys.Ec, "ES384", claims, service.JwksUrl.AbsoluteUri);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Post_StaticJwksClient_200WithoutFetchingItsJku()
    {
        var token = TestTokens.Sign(service.StaticKeys.Ec, "ES384", TestTokens.Claims(SecuredService.Static, SecuredService.HookAudience),
            jku: service.ElsewhereUrl.AbsoluteUri);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(service.Elsewhere.Requests);
    }

    [Fact]
    public async Task Post_AllowedTenant_200()
    {
        var claims = TestTokens.Claims(SecuredService.Tenant, SecuredService.HookAudience);
        claims["tenant"] = "hospital-a";

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: TestTokens.Sign(service.TenantKeys.Rsa, "RS384", claims));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Post_ValidTokenWithinClockSkew_200()
    {
        var claims = TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, iat: Now + 20); // client clock 20 s ahead

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: TestTokens.Sign(service.EhrKeys.Ec, "ES384", claims));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Theory]
    [MemberData(nameof(BadTokens.Cases), MemberType = typeof(BadTokens))]
    public async Task Post_BadToken_Bare401WithReasonInLogOnly(string problem, string loggedReason)
    {
        var token = BadTokens.Build(service, problem);
        var logged = service.Logs.Lines.Count;

        using var answer = await Post(token);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Equal("Bearer", answer.Headers.WwwAuthenticate.ToString());
        Assert.Equal(string.Empty, await answer.Content.ReadAsStringAsync());
        var log = string.Join("\n", service.Logs.Lines.Skip(logged));
        Assert.Contains(loggedReason, log, StringComparison.Ordinal);
        Assert.DoesNotContain(token, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoToken_Bare401()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole());

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("Bearer", answer.Response.Headers.WwwAuthenticate.ToString());
        Assert.Null(answer.Body);
    }

    [Fact]
    public async Task Post_ReplayedJti_401()
    {
        var token = service.Token();

        var first = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);
        var second = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Contains("replay", service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReencodedSignatureAlone_200()
    {
        var twin = TestTokens.WithTwinSignature(service.Token());

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: twin);

        Assert.Equal(HttpStatusCode.OK, answer.Status); // a valid signature: only the jti tells a replay of it
    }

    [Fact]
    public async Task Post_SameJtiWithReencodedSignature_401Replay()
    {
        var token = service.Token();
        var twin = TestTokens.WithTwinSignature(token);

        var first = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);
        var logged = service.Logs.Lines.Count;
        var second = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: twin);

        Assert.NotEqual(token, twin);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Contains("jti was already used (replay)", string.Join("\n", service.Logs.Lines.Skip(logged)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_JkuNotAllowListed_NeverFetched()
    {
        await Post(BadTokens.Build(service, "jku not allow-listed"));

        Assert.Empty(service.Elsewhere.Requests);
    }

    [Fact]
    public async Task Post_KeyRotated_UnknownKidRefreshesJwks()
    {
        using var rotated = new TestKeys("ehr-2026-11");
        service.Jwks.On("jwks.json", StubResponse.Json(TestKeys.JwksOf([service.EhrKeys.Ec, service.EhrKeys.Rsa, rotated.Ec])));
        var token = TestTokens.Sign(rotated.Ec, "ES384", TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience), service.JwksUrl.AbsoluteUri);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: token);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Post_Rejected_ReasonLoggedTokenNever()
    {
        var expired = BadTokens.Build(service, "expired");

        await Post(expired);

        Assert.Contains("expired", service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(expired.Split('.')[1], service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(expired.Split('.')[2], service.Logs.All, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> Post(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/cds-services/{HookCalls.OrderSign}", UriKind.Relative))
        {
            Content = new StringContent(HookCalls.TdmWithLetrozole().ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token == "Basic")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ehr:secret")));
        }
        else
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        return await service.Client.SendAsync(request);
    }
}
