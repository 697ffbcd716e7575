namespace CdsHooks.Service.Feedback;

/// <summary>
/// Where feedback and the record of cards shown are kept (SQLite today, <see cref="FeedbackStore"/>).
/// A second implementation (e.g. PostgreSQL) fills these four methods; the override report is built from
/// their plain counts by <see cref="Analytics.OverrideReport"/>, so no report logic lives in a store.
/// </summary>
public interface IFeedbackStore
{
    /// <summary>Where the data lives, for the start-up log (never a password).</summary>
    string Path { get; }

    /// <summary>Stores feedback durably before returning (the endpoint answers 200 after this);
    /// idempotent. Returns how many entries were new.</summary>
    Task<int> SaveAsync(string serviceId, IReadOnlyList<FeedbackEntry> entries, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Records cards returned by hook calls (one transaction per batch; each card is given once).</summary>
    Task RecordShownAsync(IReadOnlyList<CardShown> cards, CancellationToken cancellationToken);

    /// <summary>Deletes cards-shown records older than <paramref name="before"/> (retention); returns how many.</summary>
    Task<int> PurgeShownAsync(DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>Counts for the override report, by rule, knowledge version, service and UTC day the card was shown.</summary>
    Task<ReportData> ReadReportAsync(ReportQuery query, CancellationToken cancellationToken);
}

/// <summary>One card returned to a CDS client. No patient identifier, on purpose.</summary>
public sealed record CardShown(string CardUuid, string RuleId, string KnowledgeVersion, string ServiceId, string Hook, DateTimeOffset ShownAt);

/// <summary>Days are UTC calendar days, both ends included; <see cref="ServiceId"/> null means every service.</summary>
public sealed record ReportQuery(DateOnly From, DateOnly To, string? ServiceId);

public sealed record ShownCount(string RuleId, string KnowledgeVersion, string ServiceId, DateOnly Day, long Cards);

/// <summary>Distinct cards with this outcome (and override reason) among the cards shown that day.</summary>
public sealed record OutcomeCount(
    string RuleId, string KnowledgeVersion, string ServiceId, DateOnly Day, string Outcome, string? ReasonCode, string? ReasonDisplay, long Cards);

public sealed record ReasonComment(string RuleId, string KnowledgeVersion, string? ReasonCode, string Comment);

/// <param name="FeedbackWithoutCard">Feedback in the range whose card was never recorded as shown (sent
/// before recording began, purged, or a card this service did not issue).</param>
public sealed record ReportData(
    IReadOnlyList<ShownCount> Shown,
    IReadOnlyList<OutcomeCount> Outcomes,
    IReadOnlyList<ReasonComment> Comments,
    long FeedbackWithoutCard);
