using CdsHooks.Service.Security;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Storage;
using Npgsql;

namespace CdsHooks.Service.Tests.Security;

/// <summary>What every jti replay store must do (<see cref="InMemoryReplayStoreTests"/>, <see cref="PostgresReplayStoreTests"/>),
/// on a clock the test moves.</summary>
public abstract class ReplayStoreContract : IAsyncLifetime
{
    protected const string Issuer = "https://ehr.example.org";

    protected ManualTime Time { get; } = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    protected long Now => Time.GetUtcNow().ToUnixTimeSeconds();

    private protected abstract Task<IReplayStore> NewStoreAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TryRecord_SameJtiTwice_SecondRefused()
    {
        var store = await NewStoreAsync();

        Assert.True(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
        Assert.False(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
        Time.Advance(TimeSpan.FromSeconds(329)); // still in force one second before it is forgotten
        Assert.False(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
    }

    [Fact]
    public async Task TryRecord_SameJtiAfterItsExpiry_AcceptedAgain()
    {
        var store = await NewStoreAsync();
        Assert.True(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));

        Time.Advance(TimeSpan.FromSeconds(330 + 61)); // past the expiry and the once-a-minute sweep

        Assert.True(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
        Assert.False(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
    }

    [Fact]
    public async Task TryRecord_SameJtiFromAnotherIssuer_Independent()
    {
        var store = await NewStoreAsync();

        Assert.True(await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
        Assert.True(await store.TryRecordAsync("https://other.example.org", "jti-1", Now + 330, CancellationToken.None));
        Assert.True(await store.TryRecordAsync(Issuer, "jti-2", Now + 330, CancellationToken.None));
    }

    [Fact]
    public async Task TryRecord_SameJtiManyTimesAtOnce_AcceptedOnce()
    {
        var store = await NewStoreAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None))));

        Assert.Single(results, r => r);
    }
}

public sealed class InMemoryReplayStoreTests : ReplayStoreContract
{
    private protected override Task<IReplayStore> NewStoreAsync() => Task.FromResult<IReplayStore>(new ReplayCache(Time));
}

/// <summary>The shared replay store on a real PostgreSQL server, a new database per test; "instances" are stores with
/// their own data sources on the same database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresReplayStoreTests(PostgresServer server) : ReplayStoreContract
{
    private readonly PostgresDatabases _databases = new(server);

    [Fact]
    public async Task TryRecord_OnOneInstanceThenAnother_RefusedByTheOther()
    {
        var a = await NewStoreAsync();
        var b = await SameDatabaseAsync();

        Assert.True(await a.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
        Assert.False(await b.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
    }

    [Fact]
    public async Task TryRecord_AMinuteAfterExpiries_ExpiredRowsDeleted()
    {
        var store = await NewStoreAsync();
        await store.TryRecordAsync(Issuer, "short", Now + 10, CancellationToken.None);
        await store.TryRecordAsync(Issuer, "long", Now + 330, CancellationToken.None);

        Time.Advance(TimeSpan.FromSeconds(30)); // "short" expired, but the sweep runs at most once a minute
        await store.TryRecordAsync(Issuer, "other-1", Now + 330, CancellationToken.None);
        var beforeSweep = await JtisAsync();
        Time.Advance(TimeSpan.FromSeconds(31));
        await store.TryRecordAsync(Issuer, "other-2", Now + 330, CancellationToken.None);

        Assert.Contains("short", beforeSweep);
        Assert.Equal(["long", "other-1", "other-2"], await JtisAsync());
    }

    [Fact]
    public async Task TryRecord_DatabaseUnreachable_ThrowsNeverAccepts()
    {
        // Nothing listens on port 9 (discard) of 127.0.0.1: connection refused, as for a stopped server.
        await using var source = NpgsqlDataSource.Create("Host=127.0.0.1;Port=9;Username=postgres;Timeout=2");
        var store = new PostgresReplayStore(source, Time);

        await Assert.ThrowsAnyAsync<Exception>(async () => await store.TryRecordAsync(Issuer, "jti-1", Now + 330, CancellationToken.None));
    }

    private protected override async Task<IReplayStore> NewStoreAsync() => new PostgresReplayStore(await _databases.NewAsync("replay"), Time);

    public override async Task DisposeAsync() => await _databases.DisposeAsync();

    private async Task<IReplayStore> SameDatabaseAsync() => new PostgresReplayStore(await _databases.OpenAsync(), Time);

    private Task<List<string>> JtisAsync() => StorageCalls.TextColumnAsync(_databases.Current, "SELECT jti FROM jti_seen ORDER BY jti");
}
