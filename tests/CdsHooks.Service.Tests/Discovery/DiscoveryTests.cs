using System.Net;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Discovery;

public sealed partial class DiscoveryTests(FixtureServerForDiscovery server) : IClassFixture<FixtureServerForDiscovery>
{
    [GeneratedRegex(@"\{\{([^}]*)\}\}")]
    private static partial Regex Token();

    [Fact]
    public async Task Get_Discovery_ListsBothHooksWithDistinctIds()
    {
        var json = JsonNode.Parse(await server.Client.GetStringAsync(new Uri("/cds-services", UriKind.Relative)))!;

        var services = json["services"]!.AsArray().Cast<JsonObject>().ToList();
        Assert.Equal(["order-select", "order-sign"], services.Select(s => (string)s["hook"]!).Order());
        Assert.Equal(2, services.Select(s => (string)s["id"]!).Distinct().Count());
        Assert.All(services, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)s["title"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)s["description"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)s["usageRequirements"]));
        });
    }

    [Fact]
    public async Task Get_Discovery_PrefetchUsesOnlyValidTokensAndTheQuerySubset()
    {
        var json = JsonNode.Parse(await server.Client.GetStringAsync(new Uri("/cds-services", UriKind.Relative)))!;

        foreach (var service in json["services"]!.AsArray())
        {
            var prefetch = service!["prefetch"]!.AsObject();
            Assert.Equal(
                ["conditions", "medicationAdministrations", "medicationRequests", "medicationStatements", "observations", "patient"],
                prefetch.Select(p => p.Key).Order(StringComparer.Ordinal));
            foreach (var (_, template) in prefetch)
            {
                var query = (string)template!;
                // CDS Hooks 2.0 §Prefetch tokens: order hooks may use only these (selections/draftOrders are not tokens).
                Assert.All(Token().Matches(query), m => Assert.Contains(m.Groups[1].Value, new[] { "context.patientId", "context.userId", "context.encounterId" }));
                // Query subset: instance read or type search by patient with token equality, _sort and _count only.
                var parameters = query.Contains('?', StringComparison.Ordinal) ? query.Split('?')[1].Split('&').Select(p => p.Split('=')[0]) : [];
                Assert.All(parameters, p => Assert.Contains(p, new[] { "patient", "code", "_sort", "_count" }));
            }
        }
    }

    [Fact]
    public async Task Get_Health_ReportsKnowledgeVersion()
    {
        var json = JsonNode.Parse(await server.Client.GetStringAsync(new Uri("/health", UriKind.Relative)))!;

        Assert.Equal("ok", (string?)json["status"]);
        Assert.Matches(@"\+[0-9a-f]{10}$", (string?)json["knowledgeVersion"]);
        Assert.True((int)json["rules"]! >= 1);
    }

    [Fact]
    public async Task Get_UnknownPath_Is404OperationOutcome()
    {
        using var response = await server.Client.GetAsync(new Uri("/cds-services/nothing/here/at/all", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("OperationOutcome", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["resourceType"]);
    }
}

public sealed class FixtureServerForDiscovery : IDisposable
{
    private readonly CdsServiceFactory _factory = new();

    public FixtureServerForDiscovery() => Client = _factory.CreateClient();

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
    }
}
