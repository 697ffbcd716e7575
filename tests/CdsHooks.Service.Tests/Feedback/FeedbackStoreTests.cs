using CdsHooks.Service.Feedback;
using CdsHooks.Service.Tests.Infrastructure;

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
    private readonly PostgresDatabases _databases = new(server);

    protected override async Task<SqlFeedbackStore> NewStoreAsync() => new PostgresFeedbackStore(await _databases.NewAsync("store"), "test");

    protected override async Task<SqlFeedbackStore> SameDatabaseAsync() => new PostgresFeedbackStore(await _databases.OpenAsync(), "test");

    public override async Task DisposeAsync() => await _databases.DisposeAsync();
}
