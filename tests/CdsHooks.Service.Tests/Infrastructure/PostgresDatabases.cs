using CdsHooks.Service.Storage;
using Npgsql;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>New databases on the test server, and the data sources opened on them (one per simulated instance: its own
/// pool and connections, as a second process would have), disposed together at the end of the test.</summary>
public sealed class PostgresDatabases(PostgresServer server) : IAsyncDisposable
{
    private readonly List<NpgsqlDataSource> _sources = [];

    /// <summary>The connection string of the last database made by <see cref="NewAsync"/>.</summary>
    public string Current { get; private set; } = string.Empty;

    /// <summary>A new, empty database and a data source on it, migrated as at start-up unless <paramref name="migrate"/> is false.</summary>
    public async Task<NpgsqlDataSource> NewAsync(string prefix, bool migrate = true)
    {
        Current = await server.CreateDatabaseAsync(prefix);
        return await OpenAsync(migrate);
    }

    /// <summary>Another instance's data source on the <see cref="Current"/> database.</summary>
    public async Task<NpgsqlDataSource> OpenAsync(bool migrate = true)
    {
        var source = NpgsqlDataSource.Create(Current);
        _sources.Add(source);
        if (migrate)
        {
            await PostgresSchema.MigrateAsync(source, CancellationToken.None);
        }

        return source;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }
    }
}
