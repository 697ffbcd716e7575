using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Prefetch;

public static class PrefetchRegistration
{
    /// <summary>The prefetch resolver and the typed FHIR client behind its resilience pipeline (Microsoft.Extensions.Http.Resilience). Bad
    /// FhirAccess settings stop start-up, every error listed.</summary>
    public static WebApplicationBuilder AddFhirAccess(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(FhirAccessOptions.Section);
        var options = section.Get<FhirAccessOptions>() ?? new FhirAccessOptions();
        var development = builder.Environment.IsDevelopment();
        var errors = options.Validate(development);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid FhirAccess configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        builder.Services.Configure<FhirAccessOptions>(section);
        builder.Services.AddSingleton(sp => new FhirServerPolicy(sp.GetRequiredService<IOptions<FhirAccessOptions>>().Value, development));
        builder.Services.AddHttpClient<IFhirFetcher, FhirFetcher>(http =>
            {
                // A backstop only: the hook's deadline (TimeoutMs) cancels long before this.
                http.Timeout = TimeSpan.FromMilliseconds(options.TimeoutMs) + TimeSpan.FromSeconds(5);
                http.MaxResponseContentBufferSize = options.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .RemoveAllLoggers() // the default handler logs full URLs, and FHIR queries carry the patient id
            .AddResilienceHandler(FhirResilience.PipelineName, FhirResilience.Configure)
            .SelectPipelineByAuthority(); // a circuit per FHIR server

        builder.Services.AddSingleton(sp => new PrefetchResolver(
            sp.GetRequiredService<IFhirFetcher>, // transient: a typed client per call that reads from the server
            sp.GetRequiredService<FhirServerPolicy>(),
            sp.GetRequiredService<IOptions<FhirAccessOptions>>(),
            sp.GetRequiredService<ILogger<PrefetchResolver>>()));
        return builder;
    }
}
