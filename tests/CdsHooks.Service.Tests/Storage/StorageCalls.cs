using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>Feedback posts and row counts shared by the storage tests.</summary>
public static class StorageCalls
{
    public const string FeedbackPath = "/cds-services/triple-positive-order-sign/feedback";

    public static string Feedback(params string[] cards) => new JsonObject
    {
        ["feedback"] = new JsonArray([.. cards.Select(c => (JsonNode)new JsonObject
        {
            ["card"] = c, ["outcome"] = "overridden", ["outcomeTimestamp"] = "2026-11-20T09:01:00Z",
        })]),
    }.ToJsonString();

    public static async Task<HttpResponseMessage> PostFeedbackAsync(HttpClient client, string body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(FeedbackPath, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The card uuids stored as feedback in the PostgreSQL database.</summary>
    public static Task<List<string>> StoredCardsAsync(string connectionString) =>
        TextColumnAsync(connectionString, "SELECT card_uuid FROM feedback ORDER BY card_uuid");

    /// <summary>The first column of a query's rows, as text.</summary>
    public static async Task<List<string>> TextColumnAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
