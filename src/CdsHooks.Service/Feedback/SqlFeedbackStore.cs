using System.Data;
using System.Data.Common;
using System.Globalization;

namespace CdsHooks.Service.Feedback;

/// <summary>
/// The feedback store's SQL, one text for SQLite (<see cref="FeedbackStore"/>) and PostgreSQL
/// (<see cref="PostgresFeedbackStore"/>): both read <c>@name</c> parameters and <c>INSERT ... ON CONFLICT DO NOTHING</c>,
/// and their schemas have the same tables and columns (text dates, so that grouping by day is the same SQL). One text
/// means the two stores cannot drift apart in what they count; the contract tests run against both.
/// </summary>
public abstract partial class SqlFeedbackStore : IFeedbackStore
{
    internal const string DayFormat = "yyyy-MM-dd";

    /// <summary>The unique key (service, card, outcome, timestamp, accepted suggestions) makes a resent entry a no-op,
    /// also when two instances receive it at once: the second insert waits for the first's commit, then does nothing.</summary>
    private const string InsertFeedback = """
        INSERT INTO feedback (service_id, card_uuid, outcome, accepted_suggestions, override_system,
            override_code, override_display, user_comment, outcome_timestamp, received_at)
        VALUES (@service, @card, @outcome, @accepted, @system, @code, @display, @comment, @timestamp, @received)
        ON CONFLICT DO NOTHING
        """;

    private const string InsertShown = """
        INSERT INTO cards_shown (card_uuid, rule_id, knowledge_version, service_id, hook, shown_at, shown_day)
        VALUES (@uuid, @rule, @version, @service, @hook, @at, @day)
        """;

    public abstract string Path { get; }

    /// <summary>An open connection (from the provider's pool).</summary>
    protected abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <returns>How many entries were new (the rest were already stored).</returns>
    public async Task<int> SaveAsync(string serviceId, IReadOnlyList<FeedbackEntry> entries, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertFeedback;
        var p = Parameters(command, "service", "card", "outcome", "accepted", "system", "code", "display", "comment", "timestamp", "received");
        var received = receivedAt.ToString("O", CultureInfo.InvariantCulture);
        var stored = 0;
        // In key order: two instances saving the same entries in one transaction each then take their row locks in the
        // same order, so neither can wait for the other (PostgreSQL would abort one of them as a deadlock).
        foreach (var (e, timestamp, accepted) in entries
            .Select(e => (e, e.OutcomeTimestamp.ToString("O", CultureInfo.InvariantCulture), string.Join(",", e.AcceptedSuggestions)))
            .OrderBy(k => k.e.CardUuid, StringComparer.Ordinal).ThenBy(k => k.e.Outcome, StringComparer.Ordinal)
            .ThenBy(k => k.Item2, StringComparer.Ordinal).ThenBy(k => k.Item3, StringComparer.Ordinal))
        {
            Set(p, serviceId, e.CardUuid, e.Outcome, accepted, e.OverrideSystem, e.OverrideCode, e.OverrideDisplay, e.UserComment, timestamp, received);
            stored += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return stored;
    }

    /// <summary>One INSERT reused for every card of the batch, in one transaction. Measured on SQLite (RecordingBenchmarks,
    /// 500 cards): ~11 us a card; 50-row INSERTs prepared per chunk were slower (~20 us). The writer commits at most
    /// every Analytics:FlushMilliseconds, so the commit's flush to disk is shared by every card of that interval.</summary>
    public virtual async Task RecordShownAsync(IReadOnlyList<CardShown> cards, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertShown;
        var p = Parameters(command, "uuid", "rule", "version", "service", "hook", "at", "day");
        foreach (var card in cards)
        {
            Set(p, card.CardUuid, card.RuleId, card.KnowledgeVersion, card.ServiceId, card.Hook, At(card), Day(card));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> PurgeShownAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM cards_shown WHERE shown_day < @day";
        Set(Parameters(command, "day"), before.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM feedback";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    protected static string At(CardShown card) => card.ShownAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    protected static string Day(CardShown card) => card.ShownAt.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>Text parameters (both providers map <see cref="DbType.String"/> to text, nulls included).</summary>
    private static DbParameter[] Parameters(DbCommand command, params string[] names)
    {
        var parameters = new DbParameter[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = names[i];
            parameter.DbType = DbType.String;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
            parameters[i] = parameter;
        }

        return parameters;
    }

    private static void Set(DbParameter[] parameters, params string?[] values)
    {
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i].Value = (object?)values[i] ?? DBNull.Value;
        }
    }
}
