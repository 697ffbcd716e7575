using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using CdsHooks.Service.Tests.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>
/// The shared database going away under a running service, on a PostgreSQL server of this class's own (it is stopped
/// and started again): the jti cannot be checked, so tokens are refused (fail closed, never accepted unchecked);
/// readiness says so; feedback is not acknowledged; hook calls still answer; all recovers when the database is back.
/// </summary>
public sealed class DatabaseOutageTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Token_DatabaseDown_Refused401NotReadyThenRecovers()
    {
        using var keys = new TestKeys("static");
        var settings = SecuredService.Settings(new Uri("http://127.0.0.1:9/jwks.json"), new Uri("https://ehr.example.org/fhir/"), keys.Jwks(), keys.Jwks());
        settings["Authentication:TrustedClients:2:Issuer"] = "https://unused.example.org";
        settings["Storage:Provider"] = "PostgreSQL";
        settings["ConnectionStrings:Postgres"] = await server.CreateDatabaseAsync("outage_auth");
        var logs = new LogCapture();
        using var factory = new CdsServiceFactory(settings, "Production", s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateClient();
        string Token() => TestTokens.Sign(keys.Ec, "ES384", TestTokens.Claims(SecuredService.Static, SecuredService.Base + StorageCalls.FeedbackPath));
        await ReadinessPoll.WaitForAsync(client, HttpStatusCode.OK);
        using var before = await StorageCalls.PostFeedbackAsync(client, StorageCalls.Feedback("before"), Token());

        await server.StopAsync();
        try
        {
            using var during = await StorageCalls.PostFeedbackAsync(client, StorageCalls.Feedback("during"), Token());
            var notReady = await ReadinessPoll.WaitForAsync(client, HttpStatusCode.ServiceUnavailable);

            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, during.StatusCode);
            Assert.Contains("[4006]", logs.All, StringComparison.Ordinal);
            Assert.Equal("database-unavailable", (string?)notReady["status"]);
            Assert.Equal("the database does not answer", (string?)notReady["reason"]);
        }
        finally
        {
            await server.StartAsync();
        }

        await ReadinessPoll.WaitForAsync(client, HttpStatusCode.OK);
        using var after = await StorageCalls.PostFeedbackAsync(client, StorageCalls.Feedback("after"), Token());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(["after", "before"], await StorageCalls.StoredCardsAsync(settings["ConnectionStrings:Postgres"]!));
    }

    [Fact]
    public async Task Feedback_DatabaseDown_503NotStoredWhileHookCallsStillAnswer()
    {
        var connectionString = await server.CreateDatabaseAsync("outage_feedback");
        using var factory = new CdsServiceFactory(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Postgres"] = connectionString,
        });
        using var client = factory.CreateClient();
        await ReadinessPoll.WaitForAsync(client, HttpStatusCode.OK);

        await server.StopAsync();
        try
        {
            using var feedback = await StorageCalls.PostFeedbackAsync(client, StorageCalls.Feedback("during"));
            var hook = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());

            Assert.Equal(HttpStatusCode.ServiceUnavailable, feedback.StatusCode);
            var outcome = JsonNode.Parse(await feedback.Content.ReadAsStringAsync())!;
            Assert.Equal("transient", (string?)outcome["issue"]![0]!["code"]);
            Assert.Equal(HttpStatusCode.OK, hook.Status); // the record of cards shown fails in the background, the answer does not wait
            Assert.NotEmpty(hook.Cards);
        }
        finally
        {
            await server.StartAsync();
        }

        Assert.Empty(await StorageCalls.StoredCardsAsync(connectionString));
    }
}
