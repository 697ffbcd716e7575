using CdsHooks.Service.Feedback;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Security;
using Npgsql;

namespace CdsHooks.Service.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// The store chosen by Storage:Provider. SQLite (default): the feedback file, the jti replay cache in memory, and a
    /// database that always answers. PostgreSQL: one <see cref="NpgsqlDataSource"/> for the process, the schema migrated
    /// when the store is first built (at start-up, <see cref="ServiceRegistration.WarmUp"/>), the replay cache shared by
    /// every instance, and readiness that follows the database. A wrong setting stops start-up here, with what to set.
    /// </summary>
    public static WebApplicationBuilder AddCdsStorage(this WebApplicationBuilder builder, ServiceOptions service)
    {
        var (_, postgres) = StorageOptions.Read(builder.Configuration);
        if (postgres is null)
        {
            builder.Services.AddSingleton<IFeedbackStore>(_ => new FeedbackStore(
                Path.IsPathRooted(service.FeedbackDatabase)
                    ? service.FeedbackDatabase
                    : Path.Combine(builder.Environment.ContentRootPath, service.FeedbackDatabase)));
            builder.Services.AddSingleton<IReplayStore, ReplayCache>();
            builder.Services.AddSingleton<IDatabaseProbe, EmbeddedDatabaseProbe>();
            return builder;
        }

        var description = StorageOptions.Describe(postgres);
        // Durable before the 200: a commit waits for the WAL flush even if the server's default says otherwise.
        postgres.Options = string.IsNullOrEmpty(postgres.Options) ? "-c synchronous_commit=on" : postgres.Options + " -c synchronous_commit=on";
        postgres.ApplicationName ??= "cds-hooks-service";
        var connectionString = postgres.ConnectionString;
        builder.Services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        builder.Services.AddSingleton<IFeedbackStore>(sp =>
        {
            var dataSource = sp.GetRequiredService<NpgsqlDataSource>();
            int applied;
            try
            {
                applied = PostgresSchema.MigrateAsync(dataSource, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new InvalidOperationException($"{description} could not be reached or migrated at start-up: {ex.Message}", ex);
            }

            StorageLog.Migrated(sp.GetRequiredService<ILogger<PostgresFeedbackStore>>(), description, PostgresSchema.Latest, applied);
            return new PostgresFeedbackStore(dataSource, description);
        });
        builder.Services.AddSingleton<IReplayStore, PostgresReplayStore>();
        builder.Services.AddSingleton<IDatabaseProbe>(sp => new PostgresDatabaseProbe(
            sp.GetRequiredService<NpgsqlDataSource>(), description, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PostgresDatabaseProbe>>()));
        return builder;
    }
}
