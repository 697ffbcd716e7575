using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Security;

/// <summary>
/// The service as deployed: environment Production, authentication required, three trusted clients.
/// "ehr" publishes its JWKS at an allow-listed jku served by a local WireMock.Net server; "static" was
/// registered with its JWKS in configuration; "tenant" is restricted to tenant "hospital-a". Plain http
/// to 127.0.0.1 is allowed by configuration for the stubs only. The service's clock is pinned.
/// </summary>
public sealed class SecuredService : IAsyncLifetime
{
    public const string Ehr = "https://ehr.example.org";
    public const string Static = "https://static.example.org";
    public const string Tenant = "https://tenant.example.org";
    public const string Base = "http://localhost";
    public const string HookAudience = Base + "/cds-services/" + HookCalls.OrderSign;

    public TestKeys EhrKeys { get; } = new("ehr");

    public TestKeys StaticKeys { get; } = new("static");

    public TestKeys TenantKeys { get; } = new("tenant");

    public LogCapture Logs { get; } = new();

    public HttpStub Jwks { get; private set; } = null!;

    /// <summary>Serves the ehr keys too, but is not allow-listed: it must never be asked.</summary>
    public HttpStub Elsewhere { get; private set; } = null!;

    /// <summary>A FHIR server configured in FhirAccess:Servers.</summary>
    public HttpStub Fhir { get; private set; } = null!;

    public Uri JwksUrl => new(Jwks.BaseUrl, "jwks.json");

    public Uri ElsewhereUrl => new(Elsewhere.BaseUrl, "jwks.json");

    public CdsServiceFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static Dictionary<string, string?> Settings(Uri jwksUrl, Uri fhirServer, string staticJwks, string tenantJwks, bool discovery = false) => new()
    {
        ["Authentication:PublicBaseUrl"] = Base,
        ["Authentication:AllowLoopbackHttp"] = "true",
        ["Authentication:RequireForDiscovery"] = discovery ? "true" : "false",
        ["Authentication:JwksRefreshMinimumSeconds"] = "0",
        ["Authentication:TrustedClients:0:Issuer"] = Ehr,
        ["Authentication:TrustedClients:0:JwksUrls:0"] = jwksUrl.AbsoluteUri,
        ["Authentication:TrustedClients:1:Issuer"] = Static,
        ["Authentication:TrustedClients:1:Jwks"] = staticJwks,
        ["Authentication:TrustedClients:2:Issuer"] = Tenant,
        ["Authentication:TrustedClients:2:Jwks"] = tenantJwks,
        ["Authentication:TrustedClients:2:Tenants:0"] = "hospital-a",
        ["FhirAccess:Servers:0"] = fhirServer.AbsoluteUri,
        ["FhirAccess:AllowLoopbackHttp"] = "true",
        ["FhirAccess:TimeoutMs"] = "1000", // these tests are about trust, not latency: no flakiness on a busy machine
    };

    public async Task InitializeAsync()
    {
        Jwks = HttpStub.Start("/.well-known");
        Jwks.On("jwks.json", StubResponse.Json(EhrKeys.Jwks()));
        Elsewhere = HttpStub.Start("/.well-known");
        Elsewhere.On("jwks.json", StubResponse.Json(EhrKeys.Jwks()));
        Fhir = HttpStub.Start();
        Factory = new CdsServiceFactory(
            Settings(JwksUrl, Fhir.BaseUrl, StaticKeys.Jwks(), TenantKeys.Jwks()),
            "Production",
            services => services.AddSingleton<ILoggerProvider>(Logs));
        Client = Factory.CreateClient();
        await HookCalls.PostAsync(Client, HookCalls.TdmWithLetrozole(Fhir.BaseUrl, "warm-up"), bearer: Token()); // JIT paid here
        Fhir.ResetCounters();
    }

    /// <summary>A valid ES384 token from the ehr client for <paramref name="audience"/>.</summary>
    public string Token(string audience = HookAudience) =>
        TestTokens.Sign(EhrKeys.Ec, "ES384", TestTokens.Claims(Ehr, audience), JwksUrl.AbsoluteUri);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Jwks.DisposeAsync();
        await Elsewhere.DisposeAsync();
        await Fhir.DisposeAsync();
        EhrKeys.Dispose();
        StaticKeys.Dispose();
        TenantKeys.Dispose();
    }
}
