using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CdsHooks.Service.Prefetch;

/// <summary>
/// Resilience at the outbound edge only (STYLE.md): the FHIR client's pipeline, built by
/// Microsoft.Extensions.Http.Resilience once per server (<c>SelectPipelineByAuthority</c>: scheme, host and port),
/// so that one failing EHR cannot open the breaker of another. Outer to inner: timeout of the read → one retry of a
/// transient failure, with jitter → circuit breaker → timeout of one attempt. The hook's deadline for all its reads
/// (FhirAccess:TimeoutMs, PrefetchResolver) is the caller's cancellation token and flows through all of them.
/// "Transient" is the package's own predicate: a network error, an attempt that timed out, 408, 429 or 5xx;
/// other 4xx answers (401, 404 ...) are final, since retrying them only adds latency.
/// </summary>
internal static class FhirResilience
{
    public const string PipelineName = "fhir-server";

    // Polly keeps its default TimeProvider.System on purpose: timeouts and the breaker measure real
    // elapsed time, whereas the DI TimeProvider is clinical "now" (pinned in tests).
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ResilienceHandlerContext context)
    {
        var o = context.ServiceProvider.GetRequiredService<IOptions<FhirAccessOptions>>().Value;
        var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FhirResilience).FullName!);
        var server = context.InstanceName; // the authority, never a path or a query (they hold the patient id)
        builder
            .AddTimeout(TimeSpan.FromMilliseconds(o.TimeoutMs))
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.FromMilliseconds(o.RetryDelayMs),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = true,
                ShouldRetryAfterHeader = false, // a server's Retry-After would only spend the hook's budget
                OnRetry = args =>
                {
                    PrefetchLog.Retrying(logger, server, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(o.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(o.BreakerBreakSeconds),
                OnOpened = args =>
                {
                    PrefetchLog.CircuitOpened(logger, server, args.BreakDuration.TotalSeconds);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    PrefetchLog.CircuitClosed(logger, server);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(TimeSpan.FromMilliseconds(o.AttemptTimeoutMs));
    }

    internal static string Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: TimeoutRejectedException } => "the attempt timed out",
        { Exception: HttpRequestException e } => "network error: " + e.HttpRequestError,
        { Exception: BrokenCircuitException } => "circuit open",
        { Exception: { } e } => e.GetType().Name,
        { Result: { } r } => "HTTP " + (int)r.StatusCode,
        _ => "unknown",
    };
}
