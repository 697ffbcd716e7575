using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Hooks;

public sealed class HookEndpointTests
{
    private const string SignUrl = "/cds-services/triple-positive-order-sign";

    [Fact]
    public async Task Post_BodyOverLimit_Is413WithOperationOutcome()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["CdsService:MaxRequestBytes"] = "2048" });
        using var client = factory.CreateClient();
        var body = FixtureBody("r01-tdm1-letrozole-rxnorm-ingredient-sign");
        var padded = body.Insert(1, $"\"padding\":\"{new string('x', 4096)}\",");

        using var response = await client.PostAsync(new Uri(SignUrl, UriKind.Relative), new StringContent(padded, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("too-costly", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["issue"]?[0]?["code"]);
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Is413()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["CdsService:MaxRequestBytes"] = "1024" });
        using var client = factory.CreateClient();
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string(' ', 5000) + "{}")));
        content.Headers.ContentLength = null; // no Content-Length: the limit must hold while reading

        using var response = await client.PostAsync(new Uri(SignUrl, UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Post_EmptyBody_Is400()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri(SignUrl, UriKind.Relative), new StringContent(string.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Post_Error_CarriesCorsHeaders()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, SignUrl) { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", "https://sandbox.cds-hooks.org");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task Post_Answer_IsJsonWithContentLengthAndCorsHeaders()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, SignUrl)
        {
            Content = new StringContent(FixtureBody("r01-tdm1-letrozole-rxnorm-ingredient-sign"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", "https://sandbox.cds-hooks.org");

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.NotEmpty(JsonNode.Parse(body)!["cards"]!.AsArray());
    }

    [Fact]
    public async Task Options_Preflight_AllowsAuthorizationAndContentTypeWithoutToken()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Options, SignUrl);
        request.Headers.Add("Origin", "https://sandbox.cds-hooks.org");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        using var response = await client.SendAsync(request);

        Assert.True(response.IsSuccessStatusCode);
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToUpperInvariant();
        Assert.Contains("AUTHORIZATION", allowed, StringComparison.Ordinal);
        Assert.Contains("CONTENT-TYPE", allowed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NothingToSay_Is200WithEmptyCards()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri(SignUrl, UriKind.Relative),
            new StringContent(FixtureBody("s01-trastuzumab-pertuzumab-letrozole"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"cards":[]}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_SameRequestTwice_GivesSameCardsWithFreshUuids()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var body = FixtureBody("r01-tdm1-letrozole-rxnorm-ingredient-sign");

        var first = JsonNode.Parse(await (await client.PostAsync(new Uri(SignUrl, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync())!;
        var second = JsonNode.Parse(await (await client.PostAsync(new Uri(SignUrl, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync())!;

        Assert.Equal((string?)first["cards"]![0]!["summary"], (string?)second["cards"]![0]!["summary"]);
        Assert.NotEqual((string?)first["cards"]![0]!["uuid"], (string?)second["cards"]![0]!["uuid"]);
    }

    internal static string FixtureBody(string scenario) =>
        File.ReadAllText(Path.Combine(Repo.Root, "fhir-fixtures", scenario, "request.json"));
}
