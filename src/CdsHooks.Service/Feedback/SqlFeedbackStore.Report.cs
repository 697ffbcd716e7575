using System.Data.Common;
using System.Globalization;

namespace CdsHooks.Service.Feedback;

/// <summary>The override report's counts: plain SQL that SQLite and PostgreSQL both run.</summary>
public abstract partial class SqlFeedbackStore
{
    private const string Filter = "s.shown_day >= @from AND s.shown_day <= @to AND (@service IS NULL OR s.service_id = @service)";

    // The cards that have feedback, found in one pass over the range: cards_shown.card_uuid has no index (see the schema),
    // and the IN list (feedback is rare) is built once. Then joined to the feedback rows by the feedback's own index.
    private const string WithFeedback = $"""
        WITH s AS MATERIALIZED (
            SELECT s.card_uuid, s.rule_id, s.knowledge_version, s.service_id, s.shown_day FROM cards_shown s
            WHERE {Filter} AND s.card_uuid IN (SELECT card_uuid FROM feedback))
        """;

    public async Task<ReportData> ReadReportAsync(ReportQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var shown = await ReadAsync(connection, query, $"""
            SELECT s.rule_id, s.knowledge_version, s.service_id, s.shown_day, COUNT(*)
            FROM cards_shown s WHERE {Filter}
            GROUP BY s.rule_id, s.knowledge_version, s.service_id, s.shown_day
            """, r => new ShownCount(r.GetString(0), r.GetString(1), r.GetString(2), ParseDay(r.GetString(3)), r.GetInt64(4)), cancellationToken);

        // A card counts once per outcome and reason however many times its feedback was sent.
        var outcomes = await ReadAsync(connection, query, $"""
            {WithFeedback}
            SELECT s.rule_id, s.knowledge_version, s.service_id, s.shown_day, f.outcome, f.override_code, MAX(f.override_display),
                   COUNT(DISTINCT f.card_uuid)
            FROM s JOIN feedback f ON f.card_uuid = s.card_uuid AND f.service_id = s.service_id
            GROUP BY s.rule_id, s.knowledge_version, s.service_id, s.shown_day, f.outcome, f.override_code
            """, r => new OutcomeCount(r.GetString(0), r.GetString(1), r.GetString(2), ParseDay(r.GetString(3)), r.GetString(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetInt64(7)), cancellationToken);

        var comments = await ReadAsync(connection, query, $"""
            {WithFeedback}
            SELECT s.rule_id, s.knowledge_version, f.override_code, f.user_comment
            FROM s JOIN feedback f ON f.card_uuid = s.card_uuid AND f.service_id = s.service_id
            WHERE f.outcome = 'overridden' AND f.user_comment IS NOT NULL
            ORDER BY f.id DESC LIMIT 500
            """, r => new ReasonComment(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), cancellationToken);

        var orphans = await ReadAsync(connection, query, """
            SELECT COUNT(*) FROM feedback f
            WHERE substr(f.received_at, 1, 10) >= @from AND substr(f.received_at, 1, 10) <= @to
              AND (@service IS NULL OR f.service_id = @service)
              AND f.card_uuid NOT IN (SELECT card_uuid FROM cards_shown WHERE card_uuid IN (SELECT card_uuid FROM feedback))
            """, r => r.GetInt64(0), cancellationToken);
        return new ReportData(shown, outcomes, comments, orphans[0]);
    }

    private static async Task<List<T>> ReadAsync<T>(DbConnection connection, ReportQuery query, string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        Set(Parameters(command, "from", "to", "service"),
            query.From.ToString(DayFormat, CultureInfo.InvariantCulture), query.To.ToString(DayFormat, CultureInfo.InvariantCulture), query.ServiceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static DateOnly ParseDay(string text) => DateOnly.ParseExact(text, DayFormat, CultureInfo.InvariantCulture);
}
