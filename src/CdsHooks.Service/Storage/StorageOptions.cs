using Npgsql;

namespace CdsHooks.Service.Storage;

/// <summary>Configuration section "Storage": where feedback, the record of cards shown and (with PostgreSQL) the jti
/// replay cache live. SQLite is the embedded default for one instance; PostgreSQL is the store several instances share.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string Sqlite = "Sqlite";
    public const string PostgreSql = "PostgreSQL";

    /// <summary>The connection string's name under <c>ConnectionStrings</c> (environment: <c>ConnectionStrings__Postgres</c>).</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary><c>Sqlite</c> (default: the file named by CdsService:FeedbackDatabase) or <c>PostgreSQL</c>.</summary>
    public string Provider { get; set; } = Sqlite;

    public bool IsPostgreSql => string.Equals(Provider, PostgreSql, StringComparison.OrdinalIgnoreCase);

    /// <summary>The provider chosen, checked now so that a wrong setting stops start-up with a clear message; for
    /// PostgreSQL the connection string too. The message never quotes the connection string (it may hold a password).</summary>
    public static (StorageOptions Options, NpgsqlConnectionStringBuilder? Postgres) Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<StorageOptions>() ?? new StorageOptions();
        if (!options.IsPostgreSql && !string.Equals(options.Provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Storage:Provider is '{options.Provider}'; it must be '{Sqlite}' (the default) or '{PostgreSql}'.");
        }

        if (!options.IsPostgreSql)
        {
            return (options, null);
        }

        var text = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidOperationException(
                $"Storage:Provider is {PostgreSql} but ConnectionStrings:{ConnectionStringName} is not set " +
                $"(environment variable ConnectionStrings__{ConnectionStringName}, e.g. \"Host=db;Port=5432;Database=cds;Username=cds;Password=...\").");
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException ex)
        {
            // Npgsql's message names the bad keyword, not the value; the string itself is never repeated.
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} is not a valid PostgreSQL connection string: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} names no Host.");
        }

        return (options, builder);
    }

    /// <summary>Host, port and database for the start-up log and readiness: never the user's password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder) =>
        $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "postgres"}";
}
