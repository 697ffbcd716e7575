using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CdsHooks.Service.Feedback;

/// <summary>
/// Feedback in a SQLite file. Writes commit before the endpoint answers 200, and are idempotent:
/// the same card, outcome, timestamp and accepted suggestions are stored once however often sent.
/// </summary>
public sealed partial class FeedbackStore : IFeedbackStore
{
    private readonly string _connectionString;

    public FeedbackStore(string path)
    {
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                service_id TEXT NOT NULL,
                card_uuid TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
                accepted_suggestions TEXT NOT NULL,
                override_system TEXT,
                override_code TEXT,
                override_display TEXT,
                user_comment TEXT,
                outcome_timestamp TEXT NOT NULL,
                received_at TEXT NOT NULL,
                UNIQUE (service_id, card_uuid, outcome, outcome_timestamp, accepted_suggestions)
            );
            """;
        command.ExecuteNonQuery();
        CreateCardsShownTable(connection);
    }

    public string Path { get; }

    /// <returns>How many entries were new (the rest were already stored).</returns>
    public async Task<int> SaveAsync(string serviceId, IReadOnlyList<FeedbackEntry> entries, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var stored = 0;
        foreach (var e in entries)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT OR IGNORE INTO feedback (service_id, card_uuid, outcome, accepted_suggestions, override_system,
                    override_code, override_display, user_comment, outcome_timestamp, received_at)
                VALUES ($service, $card, $outcome, $accepted, $system, $code, $display, $comment, $timestamp, $received);
                """;
            command.Parameters.AddWithValue("$service", serviceId);
            command.Parameters.AddWithValue("$card", e.CardUuid);
            command.Parameters.AddWithValue("$outcome", e.Outcome);
            command.Parameters.AddWithValue("$accepted", string.Join(",", e.AcceptedSuggestions));
            command.Parameters.AddWithValue("$system", (object?)e.OverrideSystem ?? DBNull.Value);
            command.Parameters.AddWithValue("$code", (object?)e.OverrideCode ?? DBNull.Value);
            command.Parameters.AddWithValue("$display", (object?)e.OverrideDisplay ?? DBNull.Value);
            command.Parameters.AddWithValue("$comment", (object?)e.UserComment ?? DBNull.Value);
            command.Parameters.AddWithValue("$timestamp", e.OutcomeTimestamp.ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$received", receivedAt.ToString("O", CultureInfo.InvariantCulture));
            stored += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM feedback";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
