using Npgsql;

namespace CdsHooks.Service.Storage;

/// <summary>
/// The PostgreSQL schema, created or migrated at start-up. Each migration runs once, in order, recorded in
/// <c>schema_version</c>; the whole run holds a transaction-scoped advisory lock, so that two instances starting at
/// once take turns (the second finds the schema current and does nothing) instead of racing on CREATE TABLE. A failed
/// migration rolls back entirely. Append migrations; never edit one that has shipped.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The advisory lock's key ("cdsschem" in ASCII): advisory locks are per database.</summary>
    private const long LockKey = 0x6364_7373_6368_656D;

    /// <summary>Migration n is <c>Migrations[n - 1]</c>.</summary>
    private static readonly string[] Migrations =
    [
        // 1: the SQLite schema (Feedback/FeedbackStore.cs): same tables, columns and text dates, so that the stores share
        // their SQL (SqlFeedbackStore). cards_shown.card_uuid is not indexed, for the reason given there. jti_seen is the
        // replay cache every instance shares (Security/PostgresReplayStore.cs); expires_at is Unix seconds.
        """
        CREATE TABLE feedback (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            service_id text NOT NULL,
            card_uuid text NOT NULL,
            outcome text NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
            accepted_suggestions text NOT NULL,
            override_system text,
            override_code text,
            override_display text,
            user_comment text,
            outcome_timestamp text NOT NULL,
            received_at text NOT NULL,
            UNIQUE (service_id, card_uuid, outcome, outcome_timestamp, accepted_suggestions)
        );
        CREATE INDEX feedback_card ON feedback (card_uuid);
        CREATE TABLE cards_shown (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            card_uuid text NOT NULL,
            rule_id text NOT NULL,
            knowledge_version text NOT NULL,
            service_id text NOT NULL,
            hook text NOT NULL,
            shown_at text NOT NULL,
            shown_day text NOT NULL
        );
        CREATE INDEX cards_shown_day ON cards_shown (shown_day);
        CREATE TABLE jti_seen (
            issuer text NOT NULL,
            jti text NOT NULL,
            expires_at bigint NOT NULL,
            PRIMARY KEY (issuer, jti)
        );
        """,
    ];

    /// <summary>The version this build expects.</summary>
    public static int Latest => Migrations.Length;

    /// <summary>Brings the database to <see cref="Latest"/>; returns how many migrations ran (0 when it was current).</summary>
    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockKey})", cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection))
        {
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            if (current > Latest)
            {
                throw new InvalidOperationException(
                    $"The database schema is at version {current}, newer than this build knows ({Latest}): a newer release migrated it. Run that release.");
            }

            for (var version = current + 1; version <= Latest; version++)
            {
                await ExecuteAsync(connection, Migrations[version - 1], cancellationToken);
                await ExecuteAsync(connection, $"INSERT INTO schema_version (version) VALUES ({version})", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return Latest - current;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
