using Microsoft.Data.Sqlite;

namespace CdsHooks.Service.Feedback;

/// <summary>The record of cards shown (for the override report) in the same SQLite file as feedback.</summary>
public sealed partial class FeedbackStore
{
    private static void CreateCardsShownTable(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        // shown_day is the UTC day as text so that grouping by day is the same SQL in SQLite and PostgreSQL.
        // card_uuid is deliberately not indexed: card uuids are random (v4), and an index on them made every insert
        // touch a random page (~40 us of CPU a card under load, tests/load/recording-cost.sh). Rows are appended in
        // time order; the report reads a day range and joins the few feedback rows to it. Each card is recorded once.
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS cards_shown (
                id INTEGER PRIMARY KEY,
                card_uuid TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                knowledge_version TEXT NOT NULL,
                service_id TEXT NOT NULL,
                hook TEXT NOT NULL,
                shown_at TEXT NOT NULL,
                shown_day TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS cards_shown_day ON cards_shown (shown_day);
            CREATE INDEX IF NOT EXISTS feedback_card ON feedback (card_uuid);
            """;
        command.ExecuteNonQuery();
    }
}
