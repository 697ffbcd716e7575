using CdsHooks.Service.Storage;
using CdsHooks.Service.Tests.Infrastructure;
using Npgsql;

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
        Assert.Equal(Enumerable.Range(1, PostgresSchema.Latest), await ReadIntsAsync(source, "SELECT version FROM schema_version ORDER BY version"));
        Assert.Equal(["cards_shown", "feedback", "jti_seen", "schema_version"], await ReadTablesAsync(source));
    }

    [Fact]
    public async Task Migrate_FourInstancesAtOnce_OneAppliesTheOthersFindItCurrent()
    {
        var source = await _databases.NewAsync("schema", migrate: false);
        var others = new[] { source, await _databases.OpenAsync(migrate: false), await _databases.OpenAsync(migrate: false), await _databases.OpenAsync(migrate: false) };

        var applied = await Task.WhenAll(others.Select(s => Task.Run(() => PostgresSchema.MigrateAsync(s, CancellationToken.None))));

        Assert.Equal([0, 0, 0, PostgresSchema.Latest], applied.Order());
        Assert.Equal(Enumerable.Range(1, PostgresSchema.Latest), await ReadIntsAsync(source, "SELECT version FROM schema_version ORDER BY version"));
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

    private static async Task<List<int>> ReadIntsAsync(NpgsqlDataSource source, string sql)
    {
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<int>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt32(0));
        }

        return values;
    }

    private static async Task<List<string>> ReadTablesAsync(NpgsqlDataSource source)
    {
        await using var command = source.CreateCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
