using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace CdsHooks.Service.Feedback;

/// <summary>
/// Feedback in a SQLite file, the embedded default for one instance (Storage:Provider; PostgreSQL is the shared store,
/// <see cref="PostgresFeedbackStore"/>). Writes commit before the endpoint answers 200, and are idempotent: the same card,
/// outcome, timestamp and accepted suggestions are stored once however often sent. The SQL is <see cref="SqlFeedbackStore"/>'s.
/// </summary>
public sealed partial class FeedbackStore : SqlFeedbackStore
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

    public override string Path { get; }

    protected override ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DbConnection>(Open());

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
