using System.Net;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Storage;

/// <summary>Storage:Provider chooses the store; a wrong choice stops start-up saying what to set; the password never
/// shows; with PostgreSQL the whole service runs on it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageSettingsTests(PostgresServer server)
{
    [Theory]
    [InlineData("PostgreSQL", null, "ConnectionStrings:Postgres is not set")]
    [InlineData("PostgreSQL", "Host=", "names no Host")]
    [InlineData("PostgreSQL", "Hots=db;Password=s3cret-pw", "not a valid PostgreSQL connection string")]
    [InlineData("PostgreSQL", "Host=127.0.0.1;Port=9;Username=cds;Password=s3cret-pw;Timeout=2", "PostgreSQL 127.0.0.1:9/cds could not be reached or migrated at start-up")]
    [InlineData("Oracle", null, "Storage:Provider is 'Oracle'; it must be 'Sqlite' (the default) or 'PostgreSQL'")]
    public void Start_WrongStorageSetting_RefusedSayingWhatToSet(string provider, string? connectionString, string message)
    {
        using var factory = new CdsServiceFactory(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = provider,
            ["ConnectionStrings:Postgres"] = connectionString,
        });

        var error = Assert.ThrowsAny<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PostgreSql_ServiceRunsOnItAndNeverShowsThePassword()
    {
        var connectionString = await server.CreateDatabaseAsync("settings");
        var database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database;
        var logs = new LogCapture();
        using var factory = new CdsServiceFactory(
            new Dictionary<string, string?> { ["Storage:Provider"] = "postgresql", ["ConnectionStrings:Postgres"] = connectionString + ";Password=s3cret-pw" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateClient();

        var ready = await ReadinessPoll.WaitForAsync(client, HttpStatusCode.OK);
        var hook = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole());
        using var feedback = await StorageCalls.PostFeedbackAsync(client, StorageCalls.Feedback("card-a", "card-b"));

        Assert.Equal("ready", (string?)ready["status"]);
        Assert.Equal(HttpStatusCode.OK, hook.Status);
        Assert.NotEmpty(hook.Cards);
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Equal(["card-a", "card-b"], await StorageCalls.StoredCardsAsync(connectionString));
        var store = factory.Services.GetRequiredService<IFeedbackStore>();
        Assert.IsType<PostgresFeedbackStore>(store);
        Assert.Equal($"PostgreSQL 127.0.0.1:{server.Port}/{database}", store.Path);
        Assert.Contains($"feedback stored in PostgreSQL 127.0.0.1:{server.Port}/{database}", logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", logs.All, StringComparison.Ordinal);
    }
}
