using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using CdsHooks.Service.Tests.Security;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>
/// Issue 15 item 5: two real service processes on two loopback ports, one PostgreSQL database, authentication on
/// with a trusted client's static JWKS and real ES384 JWTs on the real clock. A jti used at one instance is refused
/// at the other; the same feedback sent to both is stored once; killing one instance (kill -9) in the middle of a
/// stream of feedback loses nothing it acknowledged, and the other instance carries on.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoInstancesTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private const string Issuer = "https://static.example.org";
    private readonly TestKeys _keys = new("two-instances");
    private string _database = string.Empty;
    private ServiceProcess _a = null!;
    private ServiceProcess _b = null!;

    public async Task InitializeAsync()
    {
        _database = await server.CreateDatabaseAsync("two_instances");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", // authentication on, as deployed
            ["Storage__Provider"] = "PostgreSQL",
            ["ConnectionStrings__Postgres"] = _database,
            ["Authentication__TrustedClients__0__Issuer"] = Issuer,
            ["Authentication__TrustedClients__0__Jwks"] = _keys.Jwks(),
            ["FhirAccess__Servers__0"] = "https://ehr.example.org/fhir/",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        // Both at once: they migrate the new database together (one applies the schema, the other waits and finds it current).
        _a = ServiceProcess.Start(environment);
        _b = ServiceProcess.Start(environment);
        await Task.WhenAll(Ready(_a), Ready(_b));
    }

    [Fact]
    public async Task SameJti_AcceptedByOneInstance_RefusedByTheOther()
    {
        var jti = Guid.NewGuid().ToString();

        var atA = await HookCalls.PostAsync(_a.Client, HookCalls.TdmWithLetrozole(), bearer: Token(_a, "/cds-services/" + HookCalls.OrderSign, jti));
        var atB = await HookCalls.PostAsync(_b.Client, HookCalls.TdmWithLetrozole(), bearer: Token(_b, "/cds-services/" + HookCalls.OrderSign, jti));
        var freshAtB = await HookCalls.PostAsync(_b.Client, HookCalls.TdmWithLetrozole(), bearer: Token(_b, "/cds-services/" + HookCalls.OrderSign));

        Assert.Equal(HttpStatusCode.OK, atA.Status);
        Assert.NotEmpty(atA.Cards);
        Assert.Equal(HttpStatusCode.Unauthorized, atB.Status);
        Assert.Equal(HttpStatusCode.OK, freshAtB.Status);
    }

    [Fact]
    public async Task SameFeedback_PostedToBothAtOnce_StoredOncePerEntry()
    {
        var cards = Enumerable.Range(0, 20).Select(i => $"both-{i:D2}").ToArray();
        var body = StorageCalls.Feedback(cards);

        var answers = await Task.WhenAll(
            StorageCalls.PostFeedbackAsync(_a.Client, body, Token(_a, StorageCalls.FeedbackPath)),
            StorageCalls.PostFeedbackAsync(_b.Client, body, Token(_b, StorageCalls.FeedbackPath)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var receipts = await Task.WhenAll(answers.Select(async a => JsonNode.Parse(await a.Content.ReadAsStringAsync())!));
        Assert.Equal(cards.Length, receipts.Sum(r => (int)r["stored"]!));
        Assert.Equal(cards.Length, receipts.Sum(r => (int)r["duplicates"]!));
        Assert.Equal(cards, await StorageCalls.StoredCardsAsync(_database));
    }

    [Fact]
    public async Task FeedbackStream_InstanceKilledMidStream_EveryAcknowledgedEntryStoredAndTheOtherAnswers()
    {
        var acknowledged = new ConcurrentBag<string>();
        var sent = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        async Task SendAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var card = $"stream-{Interlocked.Increment(ref sent):D5}";
                try
                {
                    using var answer = await StorageCalls.PostFeedbackAsync(_a.Client, StorageCalls.Feedback(card), Token(_a, StorageCalls.FeedbackPath));
                    if (answer.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(card);
                    }
                }
                catch (HttpRequestException)
                {
                    return; // A is gone: connection refused or reset
                }
            }
        }

        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync)).ToList();
        while (acknowledged.Count < 40 && !senders.All(s => s.IsCompleted))
        {
            await Task.Delay(10);
        }

        _a.KillHard();
        await Task.WhenAll(senders).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(acknowledged.Count >= 40, $"A acknowledged only {acknowledged.Count} entries before it was killed:\n{_a.Output}");
        var stored = (await StorageCalls.StoredCardsAsync(_database)).ToHashSet(StringComparer.Ordinal);
        Assert.Subset(stored, acknowledged.ToHashSet(StringComparer.Ordinal));
        var hook = await HookCalls.PostAsync(_b.Client, HookCalls.TdmWithLetrozole(), bearer: Token(_b, "/cds-services/" + HookCalls.OrderSign));
        using var feedback = await StorageCalls.PostFeedbackAsync(_b.Client, StorageCalls.Feedback("after-kill"), Token(_b, StorageCalls.FeedbackPath));
        Assert.Equal(HttpStatusCode.OK, hook.Status);
        Assert.NotEmpty(hook.Cards);
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Contains("after-kill", await StorageCalls.StoredCardsAsync(_database));
        await Ready(_b);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _a?.Dispose();
        _b?.Dispose();
        _keys.Dispose();
    }

    /// <summary>A real ES384 token on the real clock (the processes' clock), for this instance's endpoint.</summary>
    private string Token(ServiceProcess instance, string path, string? jti = null)
    {
        var claims = TestTokens.Claims(Issuer, instance.PublicBaseUrl + path, iat: DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        claims["jti"] = jti ?? Guid.NewGuid().ToString();
        return TestTokens.Sign(_keys.Ec, "ES384", claims);
    }

    private static async Task Ready(ServiceProcess instance)
    {
        try
        {
            await ReadinessPoll.WaitForAsync(instance.Client, HttpStatusCode.OK);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; exited: {instance.HasExited}; output:\n{instance.Output}", ex);
        }
    }
}
