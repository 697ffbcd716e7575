using System.Net;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace CdsHooks.Service.Prefetch;

/// <summary>
/// Resilience at the outbound edge only (STYLE.md): every call to a FHIR server goes through a Polly.Core
/// pipeline, one per server (scheme, host, port) so that one failing EHR cannot open the breaker of another.
/// Outer to inner: total timeout → one retry of a transient failure, with jitter → circuit breaker →
/// per-attempt timeout. The caller's cancellation token (the hook's deadline) flows through all of them.
/// Microsoft.Extensions.Http.Resilience is not available here (ENVIRONMENT.md), hence this handler.
/// </summary>
internal sealed class FhirResilienceHandler(FhirPipelines pipelines) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var pipeline = pipelines.For(request.RequestUri!);
        return await pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendInnerAsync(state.Request, token)),
            (Handler: this, Request: request),
            cancellationToken).ConfigureAwait(false);
    }

    // A GET has no content, so the same message can be sent again on retry.
    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken token) => base.SendAsync(request, token);
}

/// <summary>The per-server pipelines (a singleton: breaker state must outlive a request).</summary>
internal sealed class FhirPipelines(IOptions<FhirAccessOptions> options, ILogger<FhirPipelines> logger)
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public ResiliencePipeline<HttpResponseMessage> For(Uri uri)
    {
        var server = FhirServerPolicy.Authority(uri);
        return _registry.GetOrAddPipeline<HttpResponseMessage>(server, builder => Build(builder, server));
    }

    /// <summary>Transient: the network failed, the attempt timed out, or the server said "try again".
    /// 4xx answers (401, 404 ...) are final: retrying them only adds latency.</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout,
        _ => false,
    };

    // Polly keeps its default TimeProvider.System on purpose: timeouts and the breaker measure real
    // elapsed time, whereas the DI TimeProvider is clinical "now" (pinned in tests).
    private void Build(ResiliencePipelineBuilder<HttpResponseMessage> builder, string server)
    {
        var o = options.Value;
        builder
            .AddTimeout(TimeSpan.FromMilliseconds(o.TimeoutMs))
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = 1,
                Delay = TimeSpan.FromMilliseconds(o.RetryDelayMs),
                BackoffType = DelayBackoffType.Constant,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    PrefetchLog.Retrying(logger, server, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(o.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(o.BreakerBreakSeconds),
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
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
        { Exception: { } e } => e.GetType().Name,
        { Result: { } r } => "HTTP " + (int)r.StatusCode,
        _ => "unknown",
    };
}
