using System.Net;
using System.Net.Http.Headers;
using CdsHooks.Service.Security;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;

namespace CdsHooks.Service.Tests.Security;

/// <summary>Authentication settings: discovery behind a token on demand, and start-up refusing unsafe configuration.</summary>
public sealed class SecurityConfigurationTests
{
    private static readonly Uri Jwks = new("http://127.0.0.1:9/.well-known/jwks.json");
    private static readonly Uri Fhir = new("https://ehr.example.org/fhir/");

    [Theory]
    [InlineData(true, false, AuthPolicies.Hooks, true)]
    [InlineData(true, false, AuthPolicies.Discovery, false)]
    [InlineData(true, true, AuthPolicies.Discovery, true)]
    [InlineData(false, true, AuthPolicies.Hooks, false)]
    [InlineData(false, true, AuthPolicies.Discovery, false)]
    public void Protects_OnlyWhereATokenCanBeRequired(bool enabled, bool requireForDiscovery, string policy, bool expected) =>
        Assert.Equal(expected, new SecurityState(enabled, requireForDiscovery).Protects(policy));

    [Fact]
    public async Task Discovery_RequiredByConfiguration_NeedsTokenForDiscoveryAudience()
    {
        using var keys = new TestKeys("static");
        var settings = SecuredService.Settings(Jwks, Fhir, keys.Jwks(), keys.Jwks(), discovery: true);
        settings["Authentication:TrustedClients:2:Issuer"] = "https://unused.example.org";
        using var factory = new CdsServiceFactory(settings, "Production");
        using var client = factory.CreateClient();
        string Token(string audience) => TestTokens.Sign(keys.Ec, "ES384", TestTokens.Claims(SecuredService.Static, audience));

        var none = await Get(client, null);
        var hookAudience = await Get(client, Token(SecuredService.HookAudience));
        var discovery = await Get(client, Token(SecuredService.Base + "/cds-services"));

        Assert.Equal(HttpStatusCode.Unauthorized, none);
        Assert.Equal(HttpStatusCode.Unauthorized, hookAudience);
        Assert.Equal(HttpStatusCode.OK, discovery);
    }

    public static TheoryData<string, string?, string> UnsafeSettings() => new()
    {
        { "Authentication:TrustedClients:0:Issuer", null, "TrustedClients" },
        { "Authentication:Algorithms:0", "HS256", "HS256" },
        { "Authentication:Algorithms:1", "none", "none" },
        { "Authentication:PublicBaseUrl", "http://cds.example.org", "PublicBaseUrl" },
        { "Authentication:TrustedClients:0:JwksUrls:0", "http://ehr.example.org/jwks.json", "JwksUrls" },
        { "Authentication:TrustedClients:1:Jwks", "{\"keys\": \"nope\"}", "Jwks" },
        { "Authentication:Enabled", "false", "Development" },
        { "Authentication:TrustedClients:0:Issuer", "https://sandbox.cds-hooks.org", "sandbox" },
        { "FhirAccess:Servers:0", "http://ehr.example.org/fhir", "FhirAccess:Servers" },
    };

    [Theory]
    [MemberData(nameof(UnsafeSettings))]
    public void Start_ProductionWithUnsafeSetting_Refused(string key, string? value, string named)
    {
        using var keys = new TestKeys("static");
        var settings = SecuredService.Settings(Jwks, Fhir, keys.Jwks(), keys.Jwks());
        if (value is null)
        {
            settings.Keys.Where(k => k.StartsWith("Authentication:TrustedClients", StringComparison.Ordinal)).ToList().ForEach(k => settings.Remove(k));
        }
        else
        {
            settings[key] = value;
        }

        using var factory = new CdsServiceFactory(settings, "Production");

        var error = Assert.ThrowsAny<InvalidOperationException>(() => factory.CreateClient());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DevelopmentDefault_AuthenticationOffAndHookOpen()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());

        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    [Fact]
    public async Task Start_DevelopmentDefault_NoAuthenticationOrAuthorizationInThePipeline()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        // WebApplication adds both middlewares by itself when their services are registered.
        var schemes = factory.Services.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>();
        var policies = factory.Services.GetService<Microsoft.AspNetCore.Authorization.IAuthorizationService>();
        var withToken = await Get(client, "not-a-token");
        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());

        Assert.Null(schemes);
        Assert.Null(policies);
        Assert.Equal(HttpStatusCode.OK, withToken); // a token sent to an open instance is not read, and breaks nothing
        Assert.Equal(HttpStatusCode.OK, answer.Status);
    }

    private static async Task<HttpStatusCode> Get(HttpClient client, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/cds-services", UriKind.Relative));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
