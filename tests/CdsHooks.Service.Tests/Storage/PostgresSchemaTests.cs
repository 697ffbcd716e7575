using CdsHooks.Service.Storage;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>The schema is created at start-up, idempotently, and two instances starting at once take turns.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresServer server) : IAsyncLifetime
{
    private readonly PostgresDatabases _databases = new(server);

    [Fact]
    public async Task Migrate_Twice_SecondRunAppliesNothing()
    {
        var source = await _databases.NewAsync("schema", migrate: false);

        var first = await PostgresSchema.MigrateAsync(source, CancellationToken.None);
        var second = await PostgresSchema.MigrateAsync(source, CancellationToken.None);

        Assert.Equal(PostgresSchema.Latest, first);
        Assert.Equal(0, second);
        Assert.Equal(EveryVersion, await RecordedVersionsAsync());
        Assert.Equal(["cards_shown", "feedback", "jti_seen", "schema_version"], await StorageCalls.TextColumnAsync(_databases.Current,
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"));
    }

    [Fact]
    public async Task Migrate_FourInstancesAtOnce_OneAppliesTheOthersFindItCurrent()
    {
        var source = await _databases.NewAsync("schema", migrate: false);
        var others = new[] { source, await _databases.OpenAsync(migrate: false), await _databases.OpenAsync(migrate: false), await _databases.OpenAsync(migrate: false) };

        var applied = await Task.WhenAll(others.Select(s => Task.Run(() => PostgresSchema.MigrateAsync(s, CancellationToken.None))));

        Assert.Equal([0, 0, 0, PostgresSchema.Latest], applied.Order());
        Assert.Equal(EveryVersion, await RecordedVersionsAsync());
    }

    [Fact]
    public async Task Migrate_SchemaNewerThanThisBuild_RefusedNamingBothVersions()
    {
        var source = await _databases.NewAsync("schema", migrate: false);
        await PostgresSchema.MigrateAsync(source, CancellationToken.None);
        await using (var command = source.CreateCommand($"INSERT INTO schema_version (version) VALUES ({PostgresSchema.Latest + 1})"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => PostgresSchema.MigrateAsync(source, CancellationToken.None));

        Assert.Contains($"version {PostgresSchema.Latest + 1}, newer than this build knows ({PostgresSchema.Latest})", error.Message, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _databases.DisposeAsync();

    private static IEnumerable<string> EveryVersion =>
        Enumerable.Range(1, PostgresSchema.Latest).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private Task<List<string>> RecordedVersionsAsync() =>
        StorageCalls.TextColumnAsync(_databases.Current, "SELECT version::text FROM schema_version ORDER BY version");
}
