using CdsHooks.Service.Feedback;
using CdsHooks.Service.Storage;
using CdsHooks.Service.Tests.Infrastructure;
using Npgsql;

namespace CdsHooks.Service.Tests.Feedback;

/// <summary>The store contract on the embedded default: a SQLite file in a temp folder.</summary>
public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract
{
    private string _path = string.Empty;

    protected override Task<SqlFeedbackStore> NewStoreAsync()
    {
        _path = Path.Combine(Directory.CreateTempSubdirectory("cds-store-").FullName, "feedback.db");
        return Task.FromResult<SqlFeedbackStore>(new FeedbackStore(_path));
    }

    protected override Task<SqlFeedbackStore> SameDatabaseAsync() => Task.FromResult<SqlFeedbackStore>(new FeedbackStore(_path));
}

/// <summary>The store contract on a real PostgreSQL server: each test on its own new database, migrated as at start-up;
/// the second instance has its own data source (its own connections), as a second process would.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFeedbackStoreTests(PostgresServer server) : FeedbackStoreContract
{
    private readonly List<NpgsqlDataSource> _sources = [];
    private string _database = string.Empty;

    protected override async Task<SqlFeedbackStore> NewStoreAsync()
    {
        _database = await server.CreateDatabaseAsync("store");
        return await SameDatabaseAsync();
    }

    protected override async Task<SqlFeedbackStore> SameDatabaseAsync()
    {
        var source = NpgsqlDataSource.Create(_database);
        _sources.Add(source);
        await PostgresSchema.MigrateAsync(source, CancellationToken.None);
        return new PostgresFeedbackStore(source, "test");
    }

    public override async Task DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
