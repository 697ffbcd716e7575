using System.Diagnostics;
using System.Text;
using CdsHooks.Engine;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Prefetch;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Start-up warm-up of the path a hook call takes when it reads from the FHIR server: order-sign and order-select calls
/// (<see cref="WarmUpRequests"/>: a made-up patient and the demo patients, <see cref="Rounds"/> times) go through
/// <see cref="HookEndpoints.Invoke"/> (request reader, prefetch resolver, the typed FHIR client with its resilience
/// pipeline, the FHIR readers, the engine, the card writer), and every prefetch key is read over a real socket from
/// <see cref="LoopbackFhirServer"/>, which serves canned Bundles on 127.0.0.1 only. Then one <c>GET /health</c> goes
/// through the service's own HTTP listener on a loopback address (the server, routing and the endpoints' delegates).
/// Nothing leaves the machine, no token of a client is used, and the calls are not recorded for the override report
/// (no <see cref="Analytics.CardsShownRecorder"/>). They are not logged one by one (one line when the warm-up is done), and
/// they are counted on their own meter (<see cref="WarmUpMeterName"/>), not in the service's hook metrics (the HTTP
/// client's and Polly's own metrics do see their reads). The FHIR-server policy of the warm-up allows only its own
/// loopback server.
/// </summary>
public sealed class FetchPathWarmUp(IServiceProvider services, ILogger<FetchPathWarmUp> logger)
{
    /// <summary>Each call runs this often: the second and third runs take the paths a first run only prepared.</summary>
    private const int Rounds = 3;

    /// <summary>The warm-up's calls are counted on this meter, not on <see cref="ServiceMetrics.MeterName"/>.</summary>
    public const string WarmUpMeterName = ServiceMetrics.MeterName + ".WarmUp";

    /// <summary>Runs the warm-up; answers what it did (its calls always return cards and read every key).</summary>
    public async Task<WarmUpResult> RunAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<WarmUpCall> calls = [];
        using var fhir = LoopbackFhirServer.Start(target => WarmUpRequests.Answer(calls, target));
        calls = WarmUpRequests.Calls(fhir.BaseUrl, Path.Combine(AppContext.BaseDirectory, "demo-patients"));
        var real = services.GetRequiredService<IOptions<FhirAccessOptions>>().Value;
        var access = new FhirAccessOptions
        {
            Servers = [fhir.BaseUrl.ToString()],
            OpenServers = ["*"],
            AllowLoopbackHttp = true,
            TimeoutMs = 10_000, // a cold process on a busy machine must not turn the warm-up's reads into a 412
            MaxPages = real.MaxPages,
            MaxResponseBytes = real.MaxResponseBytes,
        };
        var resolver = new PrefetchResolver(
            services.GetRequiredService<IFhirFetcher>, // the real typed client and resilience pipeline
            new FhirServerPolicy(access, development: false),
            Options.Create(access),
            services.GetRequiredService<ILogger<PrefetchResolver>>());
        var engine = services.GetRequiredService<CdsEngine>();
        var metrics = new ServiceMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), WarmUpMeterName);
        var options = services.GetRequiredService<IOptions<ServiceOptions>>();
        var quiet = Microsoft.Extensions.Logging.Abstractions.NullLogger<CdsEngine>.Instance; // one line per client call only

        var cards = 0;
        foreach (var (serviceId, request, _) in Enumerable.Repeat(calls, Rounds).SelectMany(c => c))
        {
            var http = new DefaultHttpContext { RequestServices = services };
            var body = Encoding.UTF8.GetBytes(request);
            http.Request.Method = HttpMethods.Post;
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = body.Length;
            http.Request.Body = new MemoryStream(body);
            var response = new MemoryStream();
            http.Response.Body = response;

            var result = await HookEndpoints.Invoke(serviceId, http.Request, engine, resolver, metrics, options, quiet, shown: null, cancellationToken)
                .ConfigureAwait(false);
            await ((IResult)result.Result).ExecuteAsync(http).ConfigureAwait(false); // the answer's JSON writer too
            if (http.Response.StatusCode != StatusCodes.Status200OK)
            {
                WarmUpLog.Unexpected(logger, serviceId, http.Response.StatusCode);
                continue;
            }

            cards += CountCards(response.ToArray());
        }

        await SelfCallAsync(cancellationToken).ConfigureAwait(false);
        return new WarmUpResult(calls.Count * Rounds, cards, fhir.Served);
    }

    /// <summary><c>GET /health</c> through the service's own listener, on a loopback address only: the first request
    /// builds the routes and the endpoints' request delegates. Skipped when the service listens on no http address.</summary>
    private async Task SelfCallAsync(CancellationToken cancellationToken)
    {
        var addresses = services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (!address.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ||
                !Uri.TryCreate(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                continue;
            }

            var host = uri.IsLoopback ? uri.Host : uri.HostNameType == UriHostNameType.IPv6 ? "[::1]" : "127.0.0.1";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{host}:{uri.Port}/health"), cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                WarmUpLog.SelfCallFailed(logger, ex.HttpRequestError.ToString());
            }

            return;
        }
    }

    private static int CountCards(byte[] json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("cards", out var list) ? list.GetArrayLength() : 0;
    }
}

/// <param name="Calls">Hook calls made.</param>
/// <param name="Cards">Cards in their answers.</param>
/// <param name="FhirReads">Reads the loopback FHIR server answered (six per call when every key was read).</param>
public sealed record WarmUpResult(int Calls, int Cards, int FhirReads);

/// <summary>Runs <see cref="FetchPathWarmUp"/> once the host has started, then marks the instance ready. A failed
/// warm-up is logged and the instance is marked ready anyway: it is then only as cold as it was without one.</summary>
internal sealed class WarmUpHostedService(FetchPathWarmUp warmUp, Readiness readiness, ILogger<FetchPathWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // start-up goes on; /health/ready answers 503 meanwhile
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await warmUp.RunAsync(stoppingToken).ConfigureAwait(false);
            WarmUpLog.Done(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, result.Calls, result.Cards, result.FhirReads);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            WarmUpLog.Failed(logger, ex);
        }

        readiness.MarkReady(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}

internal static partial class WarmUpLog
{
    [LoggerMessage(5001, LogLevel.Information, "Warm-up done in {ElapsedMs:F0} ms: {Calls} hook call(s), {Cards} card(s), {FhirReads} read(s) from the loopback FHIR server; ready")]
    public static partial void Done(ILogger logger, double elapsedMs, int calls, int cards, int fhirReads);

    [LoggerMessage(5002, LogLevel.Warning, "Warm-up failed; the instance is marked ready and its first calls may be slow")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(5004, LogLevel.Information, "Warm-up GET /health on the service's own loopback address failed: {Error}")]
    public static partial void SelfCallFailed(ILogger logger, string error);

    [LoggerMessage(5003, LogLevel.Warning, "Warm-up call to {ServiceId} answered HTTP {Status} instead of 200")]
    public static partial void Unexpected(ILogger logger, string serviceId, int status);
}
