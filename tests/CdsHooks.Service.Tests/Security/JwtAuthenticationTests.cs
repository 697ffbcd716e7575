using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Tests.Security;

/// <summary>
/// CDS client JWTs through the real pipeline (Production, authentication required): the valid ones pass,
/// every way a token can be wrong is a bare 401 with <c>WWW-Authenticate: Bearer</c> and the reason only
/// in the log (CDS Hooks 2.0 §Trusting CDS Clients; cds-hooks.org best practices).
/// </summary>
public sealed class JwtAuthenticationTests(SecuredService service) : IClassFixture<SecuredService>
{
    private const string FeedbackBody =
        "{\"feedback\":[{\"card\":\"0e9d4f43-8c10-4a8c-8f0e-7f52d6a6c1a1\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2026-11-20T09:00:00Z\"}]}";

    private static long Now => TestTokens.Now;

    [Fact]
    public async Task Post_ValidEs384_200()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(), bearer: service.Token());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Cards);
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

    /// <summary>Each way a token can be wrong, and the reason the log must give (the caller gets none).</summary>
    public static TheoryData<string, string> BadTokens() => new()
    {
        { "alg none", "algorithm 'none' is not accepted" },
        { "HS256 with a shared secret", "algorithm 'HS256' is not accepted" },
        { "HS256 keyed with the public key", "algorithm 'HS256' is not accepted" },
        { "expired", "expired" },
        { "not yet valid (iat)", "not yet valid" },
        { "not yet valid (nbf)", "not yet valid" },
        { "too long-lived", "lives 3600 s" },
        { "wrong aud", "aud does not name" },
        { "aud of the feedback endpoint", "aud does not name" },
        { "aud with another host", "aud does not name" },
        { "unknown iss", "not a trusted client" },
        { "jku not allow-listed", "jku is not allow-listed" },
        { "unknown kid", "unknown kid" },
        { "no kid", "no kid" },
        { "tampered payload", "signature" },
        { "tampered aud", "signature" },
        { "signed by another key", "signature" },
        { "missing iss", "not a trusted client" },
        { "missing aud", "aud does not name" },
        { "missing exp", "exp or iat is missing" },
        { "missing iat", "exp or iat is missing" },
        { "missing jti", "jti is missing" },
        { "tenant not allowed", "tenant is missing or not allowed" },
        { "tenant missing", "tenant is missing or not allowed" },
        { "typ not JWT", "typ 'at+jwt'" },
        { "not a JWT", "not a well-formed JWT" },
        { "Basic scheme", "not a Bearer token" },
        { "ES256 (not configured)", "algorithm 'ES256' is not accepted" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Post_BadToken_Bare401WithReasonInLogOnly(string problem, string loggedReason)
    {
        var token = BadToken(problem);
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
    public async Task Post_JkuNotAllowListed_NeverFetched()
    {
        await Post(BadToken("jku not allow-listed"));

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
        var expired = BadToken("expired");

        await Post(expired);

        Assert.Contains("expired", service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(expired.Split('.')[1], service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain(expired.Split('.')[2], service.Logs.All, StringComparison.Ordinal);
    }

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
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadToken("expired"));

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
        await using var other = await StubHttpServer.StartAsync();

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(other.BaseUrl, "t"), bearer: service.Token());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(other.Requests);
        Assert.Contains("could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    private string BadToken(string problem)
    {
        var keys = service.EhrKeys;
        var jku = service.JwksUrl.AbsoluteUri;
        var claims = TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience);
        string Es(IDictionary<string, object> c, string? withJku = null) => TestTokens.Sign(keys.Ec, "ES384", c, withJku ?? jku);
        string Without(string claim)
        {
            claims.Remove(claim);
            return Es(claims);
        }

        switch (problem)
        {
            case "alg none": return TestTokens.Unsigned(claims, keys.Ec.KeyId);
            case "HS256 with a shared secret":
                return TestTokens.Sign(new SymmetricSecurityKey(new byte[32]) { KeyId = keys.Ec.KeyId }, "HS256", claims, jku);
            case "HS256 keyed with the public key":
                return TestTokens.Sign(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(keys.Jwks())) { KeyId = keys.Rsa.KeyId }, "HS256", claims, jku);
            case "expired": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, iat: Now - 400));
            case "not yet valid (iat)": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, iat: Now + 120));
            case "not yet valid (nbf)":
                claims["nbf"] = Now + 120;
                return Es(claims);
            case "too long-lived": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, lifetime: 3600));
            case "wrong aud": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.Base + "/cds-services/triple-positive-order-select"));
            case "aud of the feedback endpoint": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience + "/feedback"));
            case "aud with another host": return Es(TestTokens.Claims(SecuredService.Ehr, "https://cds.attacker.example/cds-services/" + HookCalls.OrderSign));
            case "unknown iss": return Es(TestTokens.Claims("https://unknown.example.org", SecuredService.HookAudience));
            case "jku not allow-listed": return Es(claims, service.ElsewhereUrl.AbsoluteUri);
            case "unknown kid":
                using (var stranger = new TestKeys("stranger"))
                {
                    return TestTokens.Sign(stranger.Ec, "ES384", claims, jku);
                }

            case "no kid":
                using (var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384))
                {
                    return TestTokens.Sign(new ECDsaSecurityKey(ec), "ES384", claims, jku);
                }

            case "tampered payload": return TestTokens.Tampered(Es(claims), "jti", Guid.NewGuid().ToString());
            case "tampered aud":
                return TestTokens.Tampered(Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.Base + "/cds-services/other")), "aud", SecuredService.HookAudience);
            case "signed by another key":
                using (var impostor = new TestKeys("ehr")) // same kid, different key
                {
                    return TestTokens.Sign(impostor.Ec, "ES384", claims, jku);
                }

            case "missing iss": return Without("iss");
            case "missing aud": return Without("aud");
            case "missing exp": return Without("exp");
            case "missing iat": return Without("iat");
            case "missing jti": return Without("jti");
            case "tenant not allowed":
                var other = TestTokens.Claims(SecuredService.Tenant, SecuredService.HookAudience);
                other["tenant"] = "hospital-b";
                return TestTokens.Sign(service.TenantKeys.Ec, "ES384", other);
            case "tenant missing":
                return TestTokens.Sign(service.TenantKeys.Ec, "ES384", TestTokens.Claims(SecuredService.Tenant, SecuredService.HookAudience));
            case "typ not JWT":
                var handler = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
                return handler.CreateToken(new SecurityTokenDescriptor
                {
                    Claims = claims,
                    SigningCredentials = new SigningCredentials(keys.Ec, "ES384"),
                    TokenType = "at+jwt",
                });
            case "not a JWT": return "not-a-jwt";
            case "Basic scheme": return "Basic";
            case "ES256 (not configured)":
                using (var p256 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
                {
                    return TestTokens.Sign(new ECDsaSecurityKey(p256) { KeyId = keys.Ec.KeyId }, "ES256", claims, jku);
                }

            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, null);
        }
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
