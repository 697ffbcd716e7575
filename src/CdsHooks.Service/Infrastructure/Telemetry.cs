using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CdsHooks.Service.Infrastructure;

/// <summary>Configuration section "Telemetry" (docs/operations.md). Nothing is exported unless one of these is set.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>OTLP collector base URL; the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> does the same (it wins when both
    /// are set). <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (grpc, http/protobuf) and the other OTEL_* settings apply.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Serve the metrics at <c>GET /metrics</c> in the Prometheus text format (no authentication: scrape it
    /// from inside the cluster only). Off by default.</summary>
    public bool Prometheus { get; set; }
}

/// <summary>What <see cref="Telemetry.AddCdsTelemetry"/> switched on.</summary>
public sealed record TelemetryState(bool Otlp, bool Prometheus);

/// <summary>
/// OpenTelemetry, switched on by configuration only. With an OTLP endpoint: traces (ASP.NET Core, HttpClient and
/// <see cref="ServiceTracing"/>) and metrics are exported. With <c>Telemetry:Prometheus</c>: metrics at <c>/metrics</c>.
/// With neither, OpenTelemetry is not registered at all: no listener, so the service's spans are never created
/// (<c>StartActivity</c> answers null) and the meters are read by nobody but dotnet-counters.
/// The FHIR server's URLs carry the patient's id (<c>Observation?patient=…</c>, <c>Patient/…</c>): HttpClient spans
/// record <see cref="RedactFhirUrl"/> instead, and server spans drop the query string.
/// </summary>
public static class Telemetry
{
    public const string DefaultServiceName = "cds-hooks";

    /// <summary>Meters exported: the service's, ASP.NET Core's and Kestrel's, HttpClient's, the runtime's, and Polly's
    /// (the FHIR client's retries, timeouts and circuit breaker, from Microsoft.Extensions.Http.Resilience).</summary>
    private const string PollyMeter = "Polly";

    public static WebApplicationBuilder AddCdsTelemetry(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        var fromEnvironment = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var endpoint = string.IsNullOrWhiteSpace(fromEnvironment) ? options.OtlpEndpoint : fromEnvironment;
        var otlp = !string.IsNullOrWhiteSpace(endpoint);
        if (otlp && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            throw new InvalidOperationException($"Invalid telemetry configuration: the OTLP endpoint '{endpoint}' is not an absolute http(s) URL");
        }

        builder.Services.AddSingleton(new TelemetryState(otlp, options.Prometheus));
        if (!otlp && !options.Prometheus)
        {
            return builder;
        }

        if (otlp && string.IsNullOrWhiteSpace(fromEnvironment))
        {
            // As if it were the environment variable: the exporter then appends /v1/traces and /v1/metrics for http/protobuf.
            configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)]);
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: typeof(Telemetry).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(ServiceMetrics.MeterName, PollyMeter)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(ServiceTracing.SourceName)
                .AddAspNetCoreInstrumentation(o =>
                {
                    o.Filter = http => !IsProbe(http.Request.Path); // probes and scrapes come every few seconds: noise
                    o.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation(o =>
                {
                    o.EnrichWithHttpRequestMessage = (activity, request) => activity.SetTag("url.full", RedactFhirUrl(request.RequestUri));
                    o.EnrichWithHttpResponseMessage = (activity, response) => activity.SetTag("url.full", RedactFhirUrl(response.RequestMessage?.RequestUri));
                })
                .AddOtlpExporter());
        }

        return builder;
    }

    /// <summary><c>GET /metrics</c> when <c>Telemetry:Prometheus</c> is on; otherwise nothing is mapped (404).</summary>
    public static IEndpointRouteBuilder MapTelemetry(this WebApplication app)
    {
        if (app.Services.GetRequiredService<TelemetryState>().Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(); // "/metrics", anonymous: metrics hold no patient data
        }

        return app;
    }

    /// <summary>
    /// A FHIR request URL as a span may record it: scheme, host, port and the resource type
    /// (<c>https://ehr.example.org/Observation</c>). The base path (which may name a tenant), resource ids and the
    /// query (which names the patient) are left out. A URL without a known resource type keeps scheme and host only.
    /// </summary>
    public static string? RedactFhirUrl(Uri? url)
    {
        if (url is null || !url.IsAbsoluteUri)
        {
            return null;
        }

        var origin = url.GetLeftPart(UriPartial.Authority);
        foreach (var segment in url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Hl7.Fhir.Model.ModelInfo.IsKnownResource(segment))
            {
                return origin + "/" + segment;
            }
        }

        return origin + "/";
    }

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase);
}
