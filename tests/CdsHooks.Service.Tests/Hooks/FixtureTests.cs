using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Hooks;

/// <summary>
/// Every folder in fhir-fixtures/ is a scenario: request.json is posted as an EHR would send it,
/// expected.json says what must come back (fhir-fixtures/README.md). Adding a scenario is adding a folder.
/// </summary>
public sealed class FixtureTests(FixtureServer server) : IClassFixture<FixtureServer>
{
    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(Repo.Root, "fhir-fixtures")).Order(StringComparer.Ordinal))
        {
            if (File.Exists(Path.Combine(dir, "request.json")))
            {
                data.Add(Path.GetFileName(dir));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Post_Scenario_MatchesExpected(string scenario)
    {
        var folder = Path.Combine(Repo.Root, "fhir-fixtures", scenario);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "expected.json")))!.AsObject();
        var body = await File.ReadAllTextAsync(Path.Combine(folder, "request.json"));
        var service = (string?)expected["service"] ?? ServiceFor(body);

        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync(new Uri($"/cds-services/{service}", UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();

        var status = (int?)expected["status"] ?? 200;
        Assert.True(status == (int)response.StatusCode, $"{scenario}: expected {status}, got {(int)response.StatusCode}: {text}");
        var json = JsonNode.Parse(text);
        if (status != 200)
        {
            Assert.Equal("OperationOutcome", (string?)json?["resourceType"]);
            if ((string?)expected["issuePath"] is { } path)
            {
                Assert.Equal(path, (string?)json?["issue"]?[0]?["expression"]?[0]);
            }

            return;
        }

        var cards = CdsResponseAssert.Conforms(json);
        var expectedCards = expected["cards"]?.AsArray() ?? [];
        foreach (var want in expectedCards.Cast<JsonObject>())
        {
            var rule = (string)want["rule"]!;
            var card = cards.Cast<JsonObject>().FirstOrDefault(c => (string?)c["extension"]?["regimen-check.rule-id"] == rule);
            Assert.True(card is not null, $"{scenario}: expected a card from rule {rule}; got [{RuleIds(cards)}]");
            if ((string?)want["indicator"] is { } indicator)
            {
                Assert.Equal(indicator, (string?)card!["indicator"]);
            }

            foreach (var word in want["summaryContains"]?.AsArray() ?? [])
            {
                Assert.Contains((string)word!, (string?)card!["summary"], StringComparison.OrdinalIgnoreCase);
            }

            foreach (var word in want["detailContains"]?.AsArray() ?? [])
            {
                Assert.Contains((string)word!, (string?)card!["detail"], StringComparison.OrdinalIgnoreCase);
            }

            if ((int?)want["suggestions"] is { } count)
            {
                Assert.Equal(count, (card!["suggestions"] as JsonArray)?.Count ?? 0);
            }
        }

        foreach (var absent in expected["absentRules"]?.AsArray() ?? [])
        {
            Assert.DoesNotContain((string)absent!, RuleIds(cards).Split(','));
        }

        if ((bool?)expected["exactCards"] ?? true)
        {
            Assert.True(expectedCards.Count == cards.Count, $"{scenario}: expected {expectedCards.Count} card(s), got [{RuleIds(cards)}]");
        }
    }

    [Fact]
    public void Scenarios_FolderHasEnoughFixtures()
    {
        Assert.True(Scenarios().Count >= 20);
    }

    internal static string ServiceFor(string body)
    {
        try
        {
            return (JsonNode.Parse(body) as JsonObject)?["hook"]?.GetValue<string>() == "order-select"
                ? "triple-positive-order-select"
                : "triple-positive-order-sign";
        }
        catch (System.Text.Json.JsonException)
        {
            return "triple-positive-order-sign"; // malformed on purpose: any service must reject it
        }
    }

    private static string RuleIds(JsonArray cards) =>
        string.Join(",", cards.Select(c => (string?)c?["extension"]?["regimen-check.rule-id"]));
}

/// <summary>One service instance shared by all fixture scenarios (they do not depend on each other).</summary>
public sealed class FixtureServer : IDisposable
{
    private readonly CdsServiceFactory _factory = new();

    public FixtureServer()
    {
        Client = _factory.CreateClient();
    }

    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        _factory.Dispose();
    }
}
