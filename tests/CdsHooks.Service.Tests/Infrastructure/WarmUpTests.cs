using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using CdsHooks.Service.Tests.Security;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>The start-up warm-up (issue 14 §2): not ready before it, ready after it, and it leaves nothing in the
/// feedback database. How fast the first call is after it is measured by tests/load/cold-start.sh, not asserted here.</summary>
public sealed class WarmUpTests
{
    [Fact]
    public async Task HealthReady_BeforeAndAfterWarmUp_503Then200AndNoRowsLeft()
    {
        // The hosted warm-up is taken out so that the test decides when it runs.
        using var factory = new CdsServiceFactory(services: s => s.Remove(s.Single(d => d.ImplementationType == typeof(WarmUpHostedService))));
        using var client = factory.CreateClient();

        using var before = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, before.StatusCode);
        Assert.Equal("warming-up", (string)JsonNode.Parse(await before.Content.ReadAsStringAsync())!["status"]!);
        var readiness = factory.Services.GetRequiredService<Readiness>();
        Assert.False(readiness.IsReady);

        using var warmUp = new WarmUpHostedService(factory.Services.GetRequiredService<FetchPathWarmUp>(), readiness, NullLogger<FetchPathWarmUp>.Instance);
        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(60));

        using var after = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var report = JsonNode.Parse(await after.Content.ReadAsStringAsync())!;
        Assert.Equal("ready", (string)report["status"]!);
        Assert.True((double)report["warmUpMs"]! > 0);

        // A real call's cards are recorded; once they are, the writer has drained what came before it: the warm-up's
        // cards would be there too had they been recorded.
        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var uuids = answer.Body!["cards"]!.AsArray().Select(c => (string)c!["uuid"]!).Order().ToList();
        Assert.NotEmpty(uuids);
        var rows = await WaitForRowsAsync(factory.DatabasePath, "SELECT card_uuid FROM cards_shown", uuids.Count);
        Assert.Equal(uuids, rows.Order());
        Assert.Empty(Read(factory.DatabasePath, "SELECT card_uuid FROM feedback"));
    }

    [Fact]
    public async Task WarmUp_AtStartUp_ReadyAfterHooksWithCardsAndNoRowsLeft()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        HttpStatusCode status = default;
        for (var i = 0; i < 600 && status != HttpStatusCode.OK; i++)
        {
            using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            status = ready.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                await Task.Delay(100);
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        // The warm-up's own answers carry cards (T-DM1 with letrozole): it went through the whole hook.
        var result = await factory.Services.GetRequiredService<FetchPathWarmUp>().RunAsync(CancellationToken.None);
        Assert.True(result.Cards > 0);
        Assert.Equal(result.Calls * 6, result.FhirReads);
        // As above: once a real call's cards are written, the warm-up's would be too had they been recorded.
        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());
        var uuids = answer.Body!["cards"]!.AsArray().Select(c => (string)c!["uuid"]!).Order().ToList();
        var rows = await WaitForRowsAsync(factory.DatabasePath, "SELECT card_uuid FROM cards_shown", uuids.Count);
        Assert.Equal(uuids, rows.Order());
        Assert.Empty(Read(factory.DatabasePath, "SELECT card_uuid FROM feedback"));
    }

    [Fact]
    public async Task WarmUp_InProductionWithAllowListedServersOnly_StillReadsFromItsLoopbackServer()
    {
        // Production: https-only, FhirAccess:Servers lists only the EHR, authentication on. The warm-up's own policy
        // allows its loopback server, and its calls bypass HTTP authentication (they never go through the listener).
        var keys = new TestKeys("warm-up");
        var settings = SecuredService.Settings(new Uri("http://127.0.0.1:9/jwks.json"), new Uri("https://ehr.example.org/fhir/"), keys.Jwks(), keys.Jwks());
        settings["FhirAccess:AllowLoopbackHttp"] = "false";
        using var factory = new CdsServiceFactory(settings, "Production");
        using var client = factory.CreateClient();

        var result = await factory.Services.GetRequiredService<FetchPathWarmUp>().RunAsync(CancellationToken.None);

        Assert.True(result.Cards > 0);
        Assert.Equal(result.Calls * 6, result.FhirReads); // every key of every call read from the loopback server
    }

    private static async Task<List<string>> WaitForRowsAsync(string database, string sql, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            var rows = Read(database, sql);
            if (rows.Count >= count)
            {
                return rows;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{count} row(s) were not written within 5 s");
    }

    private static List<string> Read(string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
