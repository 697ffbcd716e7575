using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using CdsHooks.Service.Tests.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CdsHooks.Service.Tests.Analytics;

/// <summary>The record of cards shown and the report, through the real pipeline and a real SQLite file.</summary>
public sealed class AnalyticsEndpointTests
{
    private const string Week = "from=2026-11-16&to=2026-11-22"; // the factory's clock is 2026-11-20

    [Fact]
    public async Task HookCall_CardsReturned_RecordedAsShownWithRuleAndNoPatient()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var uuids = answer.Body!["cards"]!.AsArray().Select(c => (string)c!["uuid"]!).Order().ToList();
        var rows = await WaitForShownAsync(factory.DatabasePath, uuids.Count);

        Assert.Equal(uuids, rows.Select(r => r["card_uuid"]).Order());
        Assert.All(rows, r => Assert.Equal("order-sign", r["hook"]));
        Assert.All(rows, r => Assert.Equal("2026-11-20", r["shown_day"]));
        Assert.Contains(rows, r => r["rule_id"] == "tdm1-with-endocrine");
        var patientId = (string)HookCalls.TdmWithLetrozole()["context"]!["patientId"]!;
        Assert.DoesNotContain(rows.SelectMany(r => r.Values), v => v.Contains(patientId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_CardOverriddenWithReason_CountsItWithReasonAndComment()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());
        var card = answer.Body!["cards"]!.AsArray().Single(c => (string?)c!["extension"]!["regimen-check.rule-id"] == "tdm1-with-endocrine")!;
        var reason = card["overrideReasons"]![0]!;
        await WaitForShownAsync(factory.DatabasePath, answer.Body["cards"]!.AsArray().Count);

        var entry = new JsonObject
        {
            ["card"] = (string?)card["uuid"],
            ["outcome"] = "overridden",
            ["outcomeTimestamp"] = "2026-11-20T09:01:00Z",
            ["overrideReason"] = new JsonObject { ["reason"] = reason.DeepClone(), ["userComment"] = "on a trial protocol" },
        };
        using var feedback = await PostFeedbackAsync(client, new JsonObject { ["feedback"] = new JsonArray(entry) }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        var report = JsonNode.Parse(await client.GetStringAsync(new Uri("/analytics.json?" + Week, UriKind.Relative)))!;

        var rule = report["rules"]!.AsArray().Single(r => (string?)r!["ruleId"] == "tdm1-with-endocrine")!;
        Assert.Equal(1, (int)rule["shown"]!);
        Assert.Equal(1, (int)rule["overridden"]!);
        Assert.Equal(0, (int)rule["accepted"]!);
        Assert.Equal(1.0, (double)rule["overrideRate"]!);
        var top = rule["reasons"]![0]!;
        Assert.Equal((string?)reason["code"], (string?)top["code"]);
        Assert.Equal(1, (int)top["count"]!);
        Assert.Equal("on a trial protocol", (string?)top["sampleComments"]![0]);
        Assert.Equal("2026-11-16", (string?)rule["weeks"]![0]!["weekStart"]);
        var other = report["rules"]!.AsArray().Single(r => (string?)r!["ruleId"] == "tdm1-safety")!;
        Assert.Equal(0.0, (double)other["overrideRate"]!);
    }

    [Fact]
    public async Task Report_FilteredByTheOtherService_HasNoRule()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole()); // order-sign
        await WaitForShownAsync(factory.DatabasePath, answer.Body!["cards"]!.AsArray().Count);

        var select = JsonNode.Parse(await client.GetStringAsync(new Uri($"/analytics.json?{Week}&service=triple-positive-order-select", UriKind.Relative)))!;
        var sign = JsonNode.Parse(await client.GetStringAsync(new Uri($"/analytics.json?{Week}&service=triple-positive-order-sign", UriKind.Relative)))!;
        var before = JsonNode.Parse(await client.GetStringAsync(new Uri("/analytics.json?from=2026-11-01&to=2026-11-15", UriKind.Relative)))!;

        Assert.Empty(select["rules"]!.AsArray());
        Assert.NotEmpty(sign["rules"]!.AsArray());
        Assert.Empty(before["rules"]!.AsArray());
    }

    [Theory]
    [InlineData("from=2026-13-01", "from")]
    [InlineData("to=20.11.2026", "to")]
    [InlineData("from=2026-11-20&to=2026-11-19", "to")]
    [InlineData("service=nope", "service")]
    public async Task Report_BadParameter_400OperationOutcomeNamingIt(string query, string path)
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/analytics.json?" + query, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var outcome = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("OperationOutcome", (string?)outcome["resourceType"]);
        Assert.Equal(path, (string?)outcome["issue"]![0]!["expression"]![0]);
    }

    [Fact]
    public async Task Store_PurgeShown_RemovesOnlyDaysBeforeTheLimit()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["Analytics:RecordCardsShown"] = "false" });
        var store = factory.Services.GetRequiredService<IFeedbackStore>();
        var at = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        await store.RecordShownAsync([Card("old", at.AddDays(-31)), Card("edge", at.AddDays(-30)), Card("new", at)], CancellationToken.None);

        var removed = await store.PurgeShownAsync(at.AddDays(-30), CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal(["edge", "new"], ReadShown(factory.DatabasePath).Select(r => r["card_uuid"]).Order());
    }

    [Fact]
    public async Task Store_AfterRecordingShown_PooledConnectionStillFlushesForFeedback()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["Analytics:RecordCardsShown"] = "false" });
        var store = factory.Services.GetRequiredService<IFeedbackStore>();
        await store.RecordShownAsync([Card("a", DateTimeOffset.UnixEpoch)], CancellationToken.None);

        // The same connection string as the store's: the pool hands back the connection the batch used.
        var pooled = new SqliteConnectionStringBuilder { DataSource = factory.DatabasePath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        using var connection = new SqliteConnection(pooled.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous";

        Assert.Equal(2L, (long)command.ExecuteScalar()!); // FULL: feedback is flushed before its 200
    }

    [Fact]
    public async Task Settings_DemoAndAnalyticsOff_NotServed()
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?> { ["Demo:Enabled"] = "false", ["Analytics:Enabled"] = "false" });
        using var client = factory.CreateClient();

        foreach (var path in new[] { "/demo/", "/demo/patients.json", "/analytics", "/analytics.json" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task Production_AnalyticsOn_NeedsAToken_DemoOffByDefault()
    {
        using var keys = new TestKeys("static");
        var settings = SecuredService.Settings(new Uri("http://127.0.0.1:9/jwks.json"), new Uri("https://ehr.example.org/fhir/"), keys.Jwks(), keys.Jwks());
        settings["Authentication:TrustedClients:2:Issuer"] = "https://unused.example.org";
        settings["Analytics:Enabled"] = "true";
        using var factory = new CdsServiceFactory(settings, "Production");
        using var client = factory.CreateClient();
        var token = TestTokens.Sign(keys.Ec, "ES384", TestTokens.Claims(SecuredService.Static, SecuredService.Base + "/analytics.json"));

        using var anonymous = await client.GetAsync(new Uri("/analytics.json", UriKind.Relative));
        using var page = await client.GetAsync(new Uri("/analytics", UriKind.Relative));
        using var demo = await client.GetAsync(new Uri("/demo/", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/analytics.json", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var authorised = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, demo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
    }

    private static CardShown Card(string uuid, DateTimeOffset at) => new(uuid, "rule-a", "v1", "triple-positive-order-sign", "order-sign", at);

    private static async Task<HttpResponseMessage> PostFeedbackAsync(HttpClient client, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await client.PostAsync(new Uri("/cds-services/triple-positive-order-sign/feedback", UriKind.Relative), content);
    }

    /// <summary>The writer drains the queue in the background: wait (bounded) until it has written <paramref name="count"/> rows.</summary>
    private static async Task<List<Dictionary<string, string>>> WaitForShownAsync(string database, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var rows = ReadShown(database);
            if (rows.Count >= count)
            {
                return rows;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{count} card(s) were not recorded within 5 s");
    }

    private static List<Dictionary<string, string>> ReadShown(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM cards_shown";
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.GetValue(i).ToString()!));
        }

        return rows;
    }
}
