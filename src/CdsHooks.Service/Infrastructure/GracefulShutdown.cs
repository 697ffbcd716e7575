namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Shutdown in the order a load balancer needs (Kubernetes sends SIGTERM and removes the pod from its Service
/// endpoints at the same time, and endpoints follow readiness with a delay). On SIGTERM the host's console lifetime
/// stops the application; this service's <see cref="StoppingAsync"/> runs before any hosted service stops, so the
/// listener is still open: <c>/health/ready</c> answers 503 "stopping" and calls are answered as usual for
/// <see cref="ServiceOptions.ShutdownDrainSeconds"/>. Then Kestrel stops accepting and waits for the calls in
/// flight, within <see cref="HostOptions.ShutdownTimeout"/> (drain plus <see cref="InFlightGrace"/>); the process
/// exits 0.
/// </summary>
internal sealed class GracefulShutdown(Readiness readiness, Microsoft.Extensions.Options.IOptions<ServiceOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    /// <summary>Time after the drain for the calls still in flight: a hook call is bounded by FhirAccess:TimeoutMs
    /// (300 ms by default), so this is ample; the pod's terminationGracePeriodSeconds must exceed drain + this.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(15);

    /// <summary>Registers the service and sizes the host's shutdown timeout above the drain.</summary>
    public static void Register(WebApplicationBuilder builder)
    {
        var drain = builder.Configuration.GetSection(ServiceOptions.Section).Get<ServiceOptions>()?.ShutdownDrainSeconds ?? new ServiceOptions().ShutdownDrainSeconds;
        if (drain < 0)
        {
            throw new InvalidOperationException("CdsService:ShutdownDrainSeconds must not be negative");
        }

        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(drain) + InFlightGrace);
        builder.Services.AddHostedService<GracefulShutdown>();
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkStopping();
        var drain = TimeSpan.FromSeconds(Math.Max(0, options.Value.ShutdownDrainSeconds));
        ShutdownLog.Draining(logger, drain.TotalSeconds);
        try
        {
            await Task.Delay(drain, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out first (a second signal or a short timeout): stop now.
        }

        ShutdownLog.Drained(logger);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static partial class ShutdownLog
{
    [LoggerMessage(6001, LogLevel.Information, "Shutting down: not ready (503) from now on; calls are still answered for {DrainSeconds} s")]
    public static partial void Draining(ILogger logger, double drainSeconds);

    [LoggerMessage(6002, LogLevel.Information, "Drain done: the listener stops and the calls in flight finish")]
    public static partial void Drained(ILogger logger);
}
