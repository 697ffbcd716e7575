using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>One canned answer. <c>{base}</c> in a body is replaced by the server's base URL (for next links).</summary>
public sealed record StubResponse(int Status = 200, string? Body = null, int DelayMs = 0, bool Hang = false, bool Abort = false)
{
    public static StubResponse Json(string body, int delayMs = 0) => new(Body: body, DelayMs: delayMs);

    public static StubResponse Fail(int status, int delayMs = 0) => new(status, DelayMs: delayMs);

    public static readonly StubResponse Hangs = new(Hang: true);

    public static readonly StubResponse ResetsConnection = new(Abort: true);

    public static readonly StubResponse Malformed = new(Body: "{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [ {\"resource\": ");

    /// <summary>A searchset page with the given resources (JSON) and, if given, a next link.</summary>
    public static StubResponse Searchset(string? next, params string[] resources) => Json(FhirPage(next, resources));

    public static string FhirPage(string? next, params string[] resources) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"" +
        (next is null ? string.Empty : $",\"link\":[{{\"relation\":\"next\",\"url\":\"{next}\"}}]") +
        ",\"entry\":[" + string.Join(",", resources.Select(r => $"{{\"resource\":{r}}}")) + "]}";
}

/// <summary>What the stub received. Authorization is kept so that tests can check the token was sent.</summary>
public sealed record StubRequest(string Route, string PathAndQuery, string? Authorization);

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, port 0) inside the test process, standing in for an EHR's
/// FHIR server or a client's JWKS endpoint. Scripted per route (the first path segment after the base
/// path, e.g. "Observation"): each request takes the next scripted answer, the last one repeats.
/// </summary>
public sealed class StubHttpServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Script> _routes = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _basePath;
    private WebApplication? _app;
    private int _inFlight;
    private int _maxInFlight;
    private int _abandoned;

    private StubHttpServer(string basePath) => _basePath = basePath.TrimEnd('/');

    /// <summary>e.g. http://127.0.0.1:41234/fhir/ (ends with a slash).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    /// <summary>Requests the client abandoned before the stub answered (its cancellation reached us).</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    /// <summary>The most requests that were being answered at the same time.</summary>
    public int MaxConcurrency => Volatile.Read(ref _maxInFlight);

    public static async Task<StubHttpServer> StartAsync(string basePath = "/fhir")
    {
        var server = new StubHttpServer(basePath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + server._basePath + "/");
        server._app = app;
        return server;
    }

    /// <summary>A URL on a loopback port where nothing listens: connecting is refused.</summary>
    public static Uri RefusedUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/fhir/");
    }

    public void On(string route, params StubResponse[] answers) => _routes[route] = new Script(answers);

    /// <summary>Every route answers this unless scripted otherwise.</summary>
    public void OnAnyRoute(StubResponse answer) => _routes["*"] = new Script([answer]);

    public int Count(string route) => Requests.Count(r => r.Route == route);

    public void ResetCounters()
    {
        Requests.Clear();
        Volatile.Write(ref _maxInFlight, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            var path = context.Request.Path.Value ?? "/";
            var rest = path.StartsWith(_basePath + "/", StringComparison.Ordinal) ? path[(_basePath.Length + 1)..] : path.TrimStart('/');
            var route = rest.Split('/')[0];
            Requests.Enqueue(new StubRequest(route, path + context.Request.QueryString, context.Request.Headers.Authorization));

            var answer = (_routes.GetValueOrDefault(route) ?? _routes.GetValueOrDefault("*"))?.Next() ?? Default(route);
            if (answer.DelayMs > 0)
            {
                await Task.Delay(answer.DelayMs, aborted.Token);
            }

            if (answer.Hang)
            {
                await Task.Delay(Timeout.Infinite, aborted.Token);
            }

            if (answer.Abort)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = answer.Status;
            if (answer.Body is not null)
            {
                context.Response.ContentType = "application/fhir+json";
                await context.Response.WriteAsync(answer.Body.Replace("{base}", BaseUrl.AbsoluteUri, StringComparison.Ordinal), Encoding.UTF8, aborted.Token);
            }
        }
        catch (OperationCanceledException)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                Interlocked.Increment(ref _abandoned); // the client gave up (its deadline or its caller)
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static StubResponse Default(string route) => route == "Patient"
        ? StubResponse.Json("{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"gender\":\"female\"}")
        : StubResponse.Searchset(null);

    private sealed class Script(StubResponse[] answers)
    {
        private int _next = -1;

        public StubResponse Next() => answers[Math.Min(Interlocked.Increment(ref _next), answers.Length - 1)];
    }
}
