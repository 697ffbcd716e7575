using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace CdsHooks.Service.Tests.Feedback;

public sealed class FeedbackTests
{
    private const string FeedbackUrl = "/cds-services/triple-positive-order-sign/feedback";

    [Fact]
    public async Task Post_AcceptedFeedback_IsStoredBeforeThe200()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var cardUuid = Guid.NewGuid().ToString();
        var suggestionUuid = Guid.NewGuid().ToString();

        using var response = await Post(client, $$"""
            {"feedback":[{"card":"{{cardUuid}}","outcome":"accepted","acceptedSuggestions":[{"id":"{{suggestionUuid}}"}],
              "outcomeTimestamp":"2026-11-20T09:01:02.52Z"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = ReadRows(factory.DatabasePath);
        var row = Assert.Single(rows);
        Assert.Equal(cardUuid, row["card_uuid"]);
        Assert.Equal("accepted", row["outcome"]);
        Assert.Equal(suggestionUuid, row["accepted_suggestions"]);
        Assert.Equal("triple-positive-order-sign", row["service_id"]);
    }

    [Fact]
    public async Task Post_SameFeedbackTwice_IsStoredOnce()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var body = """{"feedback":[{"card":"c-1","outcome":"overridden","outcomeTimestamp":"2026-11-20T09:00:00Z"}]}""";

        using var first = await Post(client, body);
        using var second = await Post(client, body);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, (int?)JsonNode.Parse(await second.Content.ReadAsStringAsync())?["duplicates"]);
        Assert.Single(ReadRows(factory.DatabasePath));
    }

    [Theory]
    [InlineData("""{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-20T09:00:00Z","overrideReason":{"reason":{"code":"patient-preference","system":"urn:regimen-check:override-reason"},"userComment":"discussed"}}""", "patient-preference")]
    [InlineData("""{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-20T09:00:00Z","overrideReason":{"code":"clinical-trial","system":"urn:x"}}""", "clinical-trial")]
    [InlineData("""{"card":"c","outcome":"overridden","outcomeTimestamp":"2026-11-20T09:00:00Z"}""", null)]
    public async Task Post_SandboxOverrideShapes_AreAccepted(string entry, string? expectedCode)
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await Post(client, $$"""{"feedback":[{{entry}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedCode, Assert.Single(ReadRows(factory.DatabasePath))["override_code"]);
    }

    [Theory]
    [InlineData("""{"feedback":[]}""", "feedback")]
    [InlineData("""{"nothing":1}""", "feedback")]
    [InlineData("""{"feedback":[{"outcome":"accepted"}]}""", "feedback[0].card")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"maybe","outcomeTimestamp":"2026-11-20T09:00:00Z"}]}""", "feedback[0].outcome")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"accepted","outcomeTimestamp":"2026-11-20T09:00:00Z"}]}""", "feedback[0].acceptedSuggestions")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden"}]}""", "feedback[0].outcomeTimestamp")]
    [InlineData("""{"feedback":[{"card":"c","outcome":"overridden","outcomeTimestamp":"yesterday"}]}""", "feedback[0].outcomeTimestamp")]
    [InlineData("""{"feedback":""", "$")]
    public async Task Post_InvalidFeedback_Is400NamingThePathAndStoresNothing(string body, string path)
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await Post(client, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(path, (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())?["issue"]?[0]?["expression"]?[0]);
        Assert.Empty(ReadRows(factory.DatabasePath));
    }

    [Fact]
    public async Task Post_UnknownService_Is404()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri("/cds-services/nope/feedback", UriKind.Relative),
            new StringContent("""{"feedback":[]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string body) =>
        client.PostAsync(new Uri(FeedbackUrl, UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    private static List<Dictionary<string, string?>> ReadRows(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT service_id, card_uuid, outcome, accepted_suggestions, override_code FROM feedback";
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetString(i)));
        }

        return rows;
    }
}
