using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>An OTLP/HTTP collector stand-in on 127.0.0.1 (WireMock.Net): accepts <c>/v1/traces</c> and <c>/v1/metrics</c>
/// and keeps the protobuf bodies it received.</summary>
public sealed class OtlpReceiver : IDisposable
{
    private readonly WireMockServer _server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    public OtlpReceiver()
    {
        _server.Given(Request.Create().WithPath("/v1/*").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/x-protobuf"));
    }

    public Uri Endpoint => new($"http://127.0.0.1:{_server.Port}");

    /// <summary>Bodies received at <paramref name="path"/> (e.g. "/v1/traces"), with their content type.</summary>
    public IReadOnlyList<(string? ContentType, byte[] Body)> Received(string path) =>
    [
        .. _server.LogEntries
            .Where(e => e.RequestMessage.Path == path)
            .Select(e => (ContentType(e.RequestMessage.Headers), e.RequestMessage.BodyAsBytes ?? [])),
    ];

    public void Dispose() => _server.Stop();

    private static string? ContentType(IDictionary<string, WireMock.Types.WireMockList<string>>? headers) =>
        headers is not null && headers.TryGetValue("Content-Type", out var values) ? values.FirstOrDefault() : null;
}
