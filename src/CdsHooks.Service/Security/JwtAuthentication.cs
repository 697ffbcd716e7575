namespace CdsHooks.Service.Security;

/// <summary>JWT bearer authentication of CDS clients (CDS Hooks 2.0 §Trusting CDS Clients).</summary>
public static class JwtAuthentication
{
    /// <summary>Registers the CDS client scheme as the default. Settings are validated now: a bad public
    /// base URL, algorithm, JWKS URL or static JWKS stops start-up with every error listed.</summary>
    public static WebApplicationBuilder AddJwtAuthentication(this WebApplicationBuilder builder, SecurityOptions options)
    {
        var registry = TrustedClientRegistry.Build(options, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<ReplayCache>();
        builder.Services.AddSingleton<JwksKeyStore>();
        builder.Services.AddSingleton<CdsTokenValidator>();
        builder.Services.AddHttpClient(JwksKeyStore.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        builder.Services.AddAuthentication(CdsClientAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, CdsClientAuthenticationHandler>(
                CdsClientAuthenticationHandler.SchemeName, null);
        return builder;
    }
}
