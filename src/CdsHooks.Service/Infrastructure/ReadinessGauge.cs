using System.Diagnostics.Metrics;

namespace CdsHooks.Service.Infrastructure;

/// <summary><c>cds.ready</c>: 1 while <c>/health/ready</c> answers 200, 0 otherwise (warming up, stopping), read when the
/// metrics are collected. Flapping shows as changes of this gauge (deploy/prometheus/alerts.yaml).</summary>
internal sealed class ReadinessGauge
{
    public ReadinessGauge(IMeterFactory meters, Readiness readiness) =>
        meters.Create(ServiceMetrics.MeterName).CreateObservableGauge(
            "cds.ready", () => readiness.IsReady ? 1 : 0, description: "1 when the instance is ready for traffic (GET /health/ready answers 200), else 0");
}
