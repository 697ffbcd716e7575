using CdsHooks.Service.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>What each telemetry setting switches on (docs/operations.md): nothing by default, tracing only with an OTLP
/// endpoint (config or the standard environment variable), metrics alone with Prometheus.</summary>
public sealed class TelemetryConfigurationTests
{
    [Fact]
    public void Telemetry_NothingConfigured_NoProviderAndNoExporter()
    {
        using var factory = new CdsServiceFactory();

        Assert.Equal(new TelemetryState(false, false), factory.Services.GetRequiredService<TelemetryState>());
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void Telemetry_StandardOtlpEnvironmentVariable_TracesAndMetrics()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1" });

        Assert.Equal(new TelemetryState(true, false), factory.Services.GetRequiredService<TelemetryState>());
        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void Telemetry_PrometheusOnly_MetricsWithoutTracing()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["Telemetry:Prometheus"] = "true" });

        Assert.Equal(new TelemetryState(false, true), factory.Services.GetRequiredService<TelemetryState>());
        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void Telemetry_OtlpEndpointNotAUrl_StartUpFails()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["Telemetry:OtlpEndpoint"] = "collector:4317" });

        var error = Assert.Throws<InvalidOperationException>(() => factory.Services);

        Assert.Contains("'collector:4317' is not an absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }
}
