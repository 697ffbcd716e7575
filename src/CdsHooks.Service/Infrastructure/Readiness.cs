namespace CdsHooks.Service.Infrastructure;

/// <summary>Whether the start-up warm-up (<see cref="FetchPathWarmUp"/>) has finished: <c>GET /health/ready</c> answers 503
/// until then, so that a readiness probe keeps traffic away from a cold instance.</summary>
public sealed class Readiness
{
    private volatile ReadinessReport _report = new("warming-up", null);

    public bool IsReady => _report.Status == "ready";

    public ReadinessReport Report => _report;

    internal void MarkReady(double warmUpMs) => _report = new ReadinessReport("ready", Math.Round(warmUpMs, 1));

    internal static IResult Answer(Readiness readiness) => readiness.Report is { Status: "ready" } ready
        ? TypedResults.Json(ready, CdsJsonContext.Default.ReadinessReport)
        : TypedResults.Json(readiness.Report, CdsJsonContext.Default.ReadinessReport, statusCode: StatusCodes.Status503ServiceUnavailable);
}

/// <param name="Status"><c>warming-up</c> or <c>ready</c>.</param>
/// <param name="WarmUpMs">How long the warm-up took, once it is done.</param>
public sealed record ReadinessReport(string Status, double? WarmUpMs);
