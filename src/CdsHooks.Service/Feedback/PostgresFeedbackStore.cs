using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CdsHooks.Service.Feedback;

/// <summary>
/// Feedback and the record of cards shown in PostgreSQL, the store several instances share (Storage:Provider =
/// PostgreSQL). The same semantics as the SQLite <see cref="FeedbackStore"/>, from the same SQL (<see cref="SqlFeedbackStore"/>):
/// idempotent saves by a unique key with ON CONFLICT DO NOTHING, so an entry posted to two instances at once is
/// stored once; committed before the endpoint answers 200 (synchronous_commit is forced on for this service's
/// connections, whatever the server's default). The schema is created at start-up (<see cref="Storage.PostgresSchema"/>).
/// </summary>
public sealed class PostgresFeedbackStore(NpgsqlDataSource dataSource, string description) : SqlFeedbackStore
{
    /// <summary>Host, port and database (never the password).</summary>
    public override string Path { get; } = description;

    protected override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>One statement per batch: the cards go as seven arrays that <c>unnest</c> turns into rows, so a batch of
    /// 500 cards is one round trip to the server, not 500 (SQLite, in process, has no round trip to save).</summary>
    public override async Task RecordShownAsync(IReadOnlyList<CardShown> cards, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO cards_shown (card_uuid, rule_id, knowledge_version, service_id, hook, shown_at, shown_day)
            SELECT * FROM unnest(@uuid, @rule, @version, @service, @hook, @at, @day)
            """);
        Add(command, "uuid", cards.Select(c => c.CardUuid));
        Add(command, "rule", cards.Select(c => c.RuleId));
        Add(command, "version", cards.Select(c => c.KnowledgeVersion));
        Add(command, "service", cards.Select(c => c.ServiceId));
        Add(command, "hook", cards.Select(c => c.Hook));
        Add(command, "at", cards.Select(At));
        Add(command, "day", cards.Select(Day));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(NpgsqlCommand command, string name, IEnumerable<string> values) =>
        command.Parameters.Add(new NpgsqlParameter<string[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] });
}
