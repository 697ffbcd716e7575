using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>One canned answer. <c>{base}</c> in a body is replaced by the server's base URL (for next links).</summary>
public sealed record StubResponse(int Status = 200, string? Body = null, int DelayMs = 0, bool Hang = false)
{
    public static StubResponse Json(string body, int delayMs = 0) => new(Body: body, DelayMs: delayMs);

    public static StubResponse Fail(int status, int delayMs = 0) => new(status, DelayMs: delayMs);

    /// <summary>Answers only after every budget in these tests has run out.</summary>
    public static readonly StubResponse Hangs = new(Hang: true);

    public static readonly StubResponse Malformed = new(Body: "{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [ {\"resource\": ");

    /// <summary>A searchset page with the given resources (JSON) and, if given, a next link.</summary>
    public static StubResponse Searchset(string? next, params string[] resources) => Json(FhirPage(next, resources));

    public static string FhirPage(string? next, params string[] resources) =>
        "{\"resourceType\":\"Bundle\",\"type\":\"searchset\"" +
        (next is null ? string.Empty : $",\"link\":[{{\"relation\":\"next\",\"url\":\"{next}\"}}]") +
        ",\"entry\":[" + string.Join(",", resources.Select(r => $"{{\"resource\":{r}}}")) + "]}";
}

/// <summary>What the stub received. Authorization is kept so that tests can check the token was sent.</summary>
public sealed record StubRequest(string Route, string PathAndQuery, string? Authorization, DateTime ReceivedAt);

/// <summary>
/// A WireMock.Net server on 127.0.0.1 standing in for an EHR's FHIR server or a client's JWKS endpoint. Scripted per
/// route (the first path segment after the base path, e.g. "Observation"): each request takes the next scripted
/// answer and the last one repeats. Unscripted, Patient reads answer a Patient and searches an empty searchset.
/// WireMock delays cannot be cut short by the client, so a "hanging" answer is a delay longer than every budget here
/// and stopping the server waits for it (2 s at most).
/// </summary>
public sealed class HttpStub : IAsyncDisposable
{
    private const int Scripted = 10;
    private const int AnyRoute = 500;
    private const int Fallback = 1000;
    private const string ArrivalHeader = "X-Stub-Arrival";

    /// <summary>Longer than any budget in these tests (the longest is 1 s), short enough that the server stops soon after.</summary>
    private static readonly TimeSpan HangFor = TimeSpan.FromSeconds(2);

    private readonly WireMockServer _server;
    private readonly string _basePath;
    private readonly Dictionary<string, List<Guid>> _mappings = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<StubRequest> _arrivals = new();
    private readonly ConcurrentDictionary<string, int> _perRoute = new(StringComparer.Ordinal);
    private int _abandoned;

    private HttpStub(WireMockServer server, string basePath)
    {
        _server = server;
        _basePath = basePath;
        BaseUrl = new Uri($"http://127.0.0.1:{server.Port}{basePath}/");
        Respond(Fallback, "Patient", false, [StubResponse.Json("{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"gender\":\"female\"}")]);
        Respond(Fallback + 2, "*", false, [StubResponse.Searchset(null)]);
    }

    /// <summary>e.g. http://127.0.0.1:41234/fhir/ (ends with a slash).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request received, in order of arrival (recorded as it arrives, before WireMock answers it).</summary>
    public IReadOnlyList<StubRequest> Requests => [.. _arrivals];

    /// <summary>Requests the client abandoned before the answer was sent (its cancellation reached the server).</summary>
    public int Abandoned => Volatile.Read(ref _abandoned);

    public static HttpStub Start(string basePath = "/fhir")
    {
        HttpStub? stub = null;
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{Loopback.FreePort()}"],
            StartAdminInterface = false,
            ReadStaticMappings = false,
            // WireMock logs a request once it has answered it; the tests need it as it arrives (a hanging answer
            // never completes), and whether the client gave up on it.
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(async (context, next) =>
            {
                stub!.Record(context);
                await next(context);
            }),
        });
        stub = new HttpStub(server, basePath.TrimEnd('/'));
        return stub;
    }

    /// <summary>A URL on a loopback port where nothing listens: connecting is refused.</summary>
    public static Uri RefusedUrl() => new($"http://127.0.0.1:{Loopback.FreePort()}/fhir/");

    public void On(string route, params StubResponse[] answers) => Respond(Scripted, route, true, answers);

    /// <summary>Every route answers this unless scripted otherwise.</summary>
    public void OnAnyRoute(StubResponse answer) => Respond(AnyRoute, "*", false, [answer]);

    public int Count(string route) => Requests.Count(r => r.Route == route);

    /// <summary>The most requests that arrived within <paramref name="window"/> of each other: with a server that
    /// holds each request for that long, the most that were in flight together.</summary>
    public int MostArrivedWithin(TimeSpan window)
    {
        var times = Requests.Select(r => r.ReceivedAt).ToList();
        return times.Count == 0 ? 0 : times.Max(t => times.Count(u => u >= t && u - t < window));
    }

    public void ResetCounters() => _arrivals.Clear();

    public ValueTask DisposeAsync()
    {
        _server.Stop();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Record(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var route = RouteOf(path);
        _arrivals.Enqueue(new StubRequest(route, path + context.Request.QueryString, context.Request.Headers.Authorization, DateTime.UtcNow));
        context.Request.Headers[ArrivalHeader] = _perRoute.AddOrUpdate(route, 1, (_, n) => n + 1).ToString(CultureInfo.InvariantCulture);
        context.RequestAborted.Register(() => Interlocked.Increment(ref _abandoned));
    }

    private void Respond(int priority, string route, bool sequence, StubResponse[] answers)
    {
        var key = priority + route;
        foreach (var old in _mappings.GetValueOrDefault(key) ?? [])
        {
            _server.DeleteMapping(old);
        }

        // A sequence matches on the arrival number the recording middleware put on the request: the n-th request
        // to the route takes the n-th answer, whenever the earlier ones are answered (a WireMock scenario moves on
        // only once an answer is sent, so a slow first answer would also be the retry's). The last answer repeats.
        var first = _perRoute.GetValueOrDefault(route);
        var path = route == "*" ? $"^{Regex.Escape(_basePath)}/.*$" : $"^{Regex.Escape(_basePath)}/{Regex.Escape(route)}(/.*)?$";
        var ids = new List<Guid>();
        for (var i = 0; i < answers.Length; i++)
        {
            var id = Guid.NewGuid();
            var request = Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(path)).UsingGet();
            var last = i == answers.Length - 1;
            if (sequence && !last)
            {
                request = request.WithHeader(ArrivalHeader, (first + i + 1).ToString(CultureInfo.InvariantCulture));
            }

            _server.Given(request).WithGuid(id).AtPriority(last ? priority + 1 : priority).RespondWith(Build(answers[i]));
            ids.Add(id);
        }

        _mappings[key] = ids;
    }

    private IResponseBuilder Build(StubResponse answer)
    {
        var response = Response.Create().WithStatusCode(answer.Status);
        if (answer.Body is not null)
        {
            response = response.WithHeader("Content-Type", "application/fhir+json")
                .WithBody(answer.Body.Replace("{base}", BaseUrl.AbsoluteUri, StringComparison.Ordinal));
        }

        return answer.Hang ? response.WithDelay(HangFor) : answer.DelayMs > 0 ? response.WithDelay(answer.DelayMs) : response;
    }

    private string RouteOf(string path)
    {
        var rest = path.StartsWith(_basePath + "/", StringComparison.Ordinal) ? path[(_basePath.Length + 1)..] : path.TrimStart('/');
        return rest.Split('/')[0];
    }
}
