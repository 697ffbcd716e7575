using CdsHooks.Service.Storage;

namespace CdsHooks.Service.Infrastructure;

/// <summary>Whether the start-up warm-up (<see cref="FetchPathWarmUp"/>) has finished: <c>GET /health/ready</c> answers 503
/// until then, so that a readiness probe keeps traffic away from a cold instance.</summary>
public sealed class Readiness
{
    private volatile ReadinessReport _report = new("warming-up", null);

    public bool IsReady => _report.Status == "ready";

    public ReadinessReport Report => _report;

    private readonly Lock _marking = new();

    internal void MarkReady(double warmUpMs)
    {
        lock (_marking)
        {
            if (_report.Status != "stopping") // a warm-up that ends during the shutdown drain must not make it ready again
            {
                _report = new ReadinessReport("ready", Math.Round(warmUpMs, 1));
            }
        }
    }

    /// <summary>The host is shutting down (SIGTERM): 503 from now on, while calls are still answered (<see cref="GracefulShutdown"/>).</summary>
    internal void MarkStopping()
    {
        lock (_marking)
        {
            _report = new ReadinessReport("stopping", _report.WarmUpMs);
        }
    }

    /// <summary>GET /health/ready: 200 when ready, 503 while warming up or while the store's database does not answer
    /// (same body type, status in the result). The database is asked only once warmed up (<see cref="IDatabaseProbe"/>
    /// caches its answer for 2 s).</summary>
    internal static async Task<JsonHttpResult<ReadinessReport>> Answer(Readiness readiness, IDatabaseProbe database, CancellationToken cancellationToken)
    {
        var report = readiness.Report;
        if (report.Status == "ready" && !await database.AnswersAsync(cancellationToken))
        {
            report = report with { Status = "database-unavailable", Reason = "the database does not answer" };
        }

        return TypedResults.Json(report, CdsJsonContext.Default.ReadinessReport,
            statusCode: report.Status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}

/// <param name="Status"><c>warming-up</c>, <c>ready</c>, <c>stopping</c> (after SIGTERM) or <c>database-unavailable</c>.</param>
/// <param name="WarmUpMs">How long the warm-up took, once it is done.</param>
/// <param name="Reason">Why the instance is not ready, when the status alone does not say it.</param>
public sealed record ReadinessReport(string Status, double? WarmUpMs, string? Reason = null);
