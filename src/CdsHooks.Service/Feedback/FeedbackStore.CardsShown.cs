using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CdsHooks.Service.Feedback;

/// <summary>The record of cards shown (for the override report) in the same SQLite file as feedback.</summary>
public sealed partial class FeedbackStore
{
    private const string DayFormat = "yyyy-MM-dd";

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

    /// <summary>One prepared INSERT reused for every card of the batch, in one transaction. Measured (RecordingBenchmarks,
    /// 500 cards): ~11 us a card; 50-row INSERTs prepared per chunk were slower (~20 us). The writer commits at most
    /// every Analytics:FlushMilliseconds, so the commit's flush to disk is shared by every card of that interval.</summary>
    public async Task RecordShownAsync(IReadOnlyList<CardShown> cards, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO cards_shown (card_uuid, rule_id, knowledge_version, service_id, hook, shown_at, shown_day)
            VALUES ($uuid, $rule, $version, $service, $hook, $at, $day);
            """;
        var uuid = command.Parameters.Add("$uuid", SqliteType.Text);
        var rule = command.Parameters.Add("$rule", SqliteType.Text);
        var version = command.Parameters.Add("$version", SqliteType.Text);
        var service = command.Parameters.Add("$service", SqliteType.Text);
        var hook = command.Parameters.Add("$hook", SqliteType.Text);
        var at = command.Parameters.Add("$at", SqliteType.Text);
        var day = command.Parameters.Add("$day", SqliteType.Text);
        foreach (var card in cards)
        {
            uuid.Value = card.CardUuid;
            rule.Value = card.RuleId;
            version.Value = card.KnowledgeVersion;
            service.Value = card.ServiceId;
            hook.Value = card.Hook;
            at.Value = card.ShownAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
            day.Value = card.ShownAt.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> PurgeShownAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM cards_shown WHERE shown_day < $day";
        command.Parameters.AddWithValue("$day", before.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ReportData> ReadReportAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        var filter = "s.shown_day >= $from AND s.shown_day <= $to AND ($service IS NULL OR s.service_id = $service)";
        var shown = await ReadAsync(connection, query, $"""
            SELECT s.rule_id, s.knowledge_version, s.service_id, s.shown_day, COUNT(*)
            FROM cards_shown s WHERE {filter}
            GROUP BY s.rule_id, s.knowledge_version, s.service_id, s.shown_day
            """, r => new ShownCount(r.GetString(0), r.GetString(1), r.GetString(2), Day(r.GetString(3)), r.GetInt64(4)), cancellationToken);

        // The cards that have feedback, found in one pass over the range: card_uuid has no index (see the table), and
        // the IN list (feedback is rare) is built once. Then joined to the feedback rows by the feedback's own index.
        var withFeedback = $"""
            WITH s AS MATERIALIZED (
                SELECT s.card_uuid, s.rule_id, s.knowledge_version, s.service_id, s.shown_day FROM cards_shown s
                WHERE {filter} AND s.card_uuid IN (SELECT card_uuid FROM feedback))
            """;

        // A card counts once per outcome and reason however many times its feedback was sent.
        var outcomes = await ReadAsync(connection, query, $"""
            {withFeedback}
            SELECT s.rule_id, s.knowledge_version, s.service_id, s.shown_day, f.outcome, f.override_code, MAX(f.override_display),
                   COUNT(DISTINCT f.card_uuid)
            FROM s JOIN feedback f ON f.card_uuid = s.card_uuid AND f.service_id = s.service_id
            GROUP BY s.rule_id, s.knowledge_version, s.service_id, s.shown_day, f.outcome, f.override_code
            """, r => new OutcomeCount(r.GetString(0), r.GetString(1), r.GetString(2), Day(r.GetString(3)), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7)), cancellationToken);

        var comments = await ReadAsync(connection, query, $"""
            {withFeedback}
            SELECT s.rule_id, s.knowledge_version, f.override_code, f.user_comment
            FROM s JOIN feedback f ON f.card_uuid = s.card_uuid AND f.service_id = s.service_id
            WHERE f.outcome = 'overridden' AND f.user_comment IS NOT NULL
            ORDER BY f.id DESC LIMIT 500
            """, r => new ReasonComment(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), cancellationToken);

        var orphans = await ReadAsync(connection, query, """
            SELECT COUNT(*) FROM feedback f
            WHERE substr(f.received_at, 1, 10) >= $from AND substr(f.received_at, 1, 10) <= $to
              AND ($service IS NULL OR f.service_id = $service)
              AND f.card_uuid NOT IN (SELECT card_uuid FROM cards_shown WHERE card_uuid IN (SELECT card_uuid FROM feedback))
            """, r => r.GetInt64(0), cancellationToken);
        return new ReportData(shown, outcomes, comments, orphans[0]);
    }

    private static async Task<List<T>> ReadAsync<T>(SqliteConnection connection, ReportQuery query, string sql, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", query.From.ToString(DayFormat, CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$to", query.To.ToString(DayFormat, CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$service", (object?)query.ServiceId ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static DateOnly Day(string text) => DateOnly.ParseExact(text, DayFormat, CultureInfo.InvariantCulture);
}
