using CdsHooks.Service.Feedback;

namespace CdsHooks.Service.Tests.Feedback;

/// <summary>
/// What every feedback store must do, run against each one (<see cref="SqliteFeedbackStoreTests"/>,
/// <see cref="PostgresFeedbackStoreTests"/>) on a real database: idempotent saves, also from two instances at once;
/// durable before returning; the record of cards shown, its retention and the report's counts.
/// </summary>
public abstract class FeedbackStoreContract : IAsyncLifetime
{
    private const string Sign = "triple-positive-order-sign";
    private const string Select = "triple-positive-order-select";
    private static readonly DateTimeOffset At = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    /// <summary>A store on a new, empty database.</summary>
    protected abstract Task<SqlFeedbackStore> NewStoreAsync();

    /// <summary>Another instance's store on the same database as the last <see cref="NewStoreAsync"/>.</summary>
    protected abstract Task<SqlFeedbackStore> SameDatabaseAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Save_SameEntryTwice_StoredOnce()
    {
        var store = await NewStoreAsync();

        var first = await store.SaveAsync(Sign, [Overridden("c-1")], At, CancellationToken.None);
        var second = await store.SaveAsync(Sign, [Overridden("c-1"), Overridden("c-1")], At.AddSeconds(5), CancellationToken.None);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Equal(1, await store.CountAsync());
    }

    [Fact]
    public async Task Save_SameCardOtherTimestampOrOutcome_StoredAsNewEntries()
    {
        var store = await NewStoreAsync();

        var stored = await store.SaveAsync(Sign, [Overridden("c-1"), Overridden("c-1", At.AddSeconds(1)), Accepted("c-1", "s-1")], At, CancellationToken.None);

        Assert.Equal(3, stored);
        Assert.Equal(3, await store.CountAsync());
    }

    [Fact]
    public async Task Save_Returned_ReadableByAnotherInstanceAtOnce()
    {
        var store = await NewStoreAsync();
        var other = await SameDatabaseAsync();

        await store.SaveAsync(Sign, [Overridden("c-1"), Accepted("c-2", "s-1")], At, CancellationToken.None);

        Assert.Equal(2, await other.CountAsync());
    }

    [Fact]
    public async Task Save_SameEntriesFromTwoInstancesAtOnce_EachStoredOnce()
    {
        var a = await NewStoreAsync();
        var b = await SameDatabaseAsync();
        var entries = Enumerable.Range(0, 10).Select(i => Overridden($"c-{i}")).ToList();

        // 16 concurrent posts of the same ten entries, half to each instance, in both orders.
        var saves = Enumerable.Range(0, 16).Select(i => Task.Run(() => (i % 2 == 0 ? a : b).SaveAsync(
            Sign, i % 4 < 2 ? entries : [.. Enumerable.Reverse(entries)], At, CancellationToken.None)));
        var stored = await Task.WhenAll(saves);

        Assert.Equal(10, stored.Sum());
        Assert.Equal(10, await a.CountAsync());
    }

    [Fact]
    public async Task PurgeShown_RemovesOnlyDaysBeforeTheLimit()
    {
        var store = await NewStoreAsync();
        await store.RecordShownAsync([Card("old", "r", At.AddDays(-31)), Card("edge", "r", At.AddDays(-30)), Card("new", "r", At)], CancellationToken.None);

        var removed = await store.PurgeShownAsync(At.AddDays(-30), CancellationToken.None);
        var again = await store.PurgeShownAsync(At.AddDays(-30), CancellationToken.None);

        Assert.Equal(1, removed);
        Assert.Equal(0, again);
        var shown = (await store.ReadReportAsync(new ReportQuery(new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 30), null), CancellationToken.None)).Shown;
        Assert.Equal(2, shown.Sum(s => s.Cards));
    }

    [Fact]
    public async Task ReadReport_ShownAndFeedback_CountsByRuleDayOutcomeAndReason()
    {
        var store = await NewStoreAsync();
        await store.RecordShownAsync(
        [
            Card("c-1", "rule-a", At), Card("c-2", "rule-a", At), Card("c-3", "rule-a", At.AddDays(1)),
            Card("c-4", "rule-b", At), Card("c-5", "rule-a", At, Select), Card("c-old", "rule-a", At.AddDays(-40)),
        ], CancellationToken.None);
        await store.SaveAsync(Sign, [Overridden("c-1", comment: "on a trial"), Overridden("c-1", At.AddMinutes(1)), Overridden("c-2", reason: null)], At, CancellationToken.None);
        await store.SaveAsync(Sign, [Accepted("c-3", "s-1"), Overridden("c-unknown")], At, CancellationToken.None);
        await store.SaveAsync(Select, [Overridden("c-5")], At, CancellationToken.None);

        var report = await store.ReadReportAsync(new ReportQuery(new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 22), Sign), CancellationToken.None);

        Assert.Equal(
            [("rule-a", "2026-11-20", 2L), ("rule-a", "2026-11-21", 1L), ("rule-b", "2026-11-20", 1L)],
            report.Shown.Select(s => (s.RuleId, s.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), s.Cards)).Order());
        // c-1 overridden twice with one reason: one card. c-2 overridden without a reason. c-3 accepted the next day.
        Assert.Equal(
            [("rule-a", "2026-11-20", "overridden", (string?)null, 1L), ("rule-a", "2026-11-20", "overridden", "trial", 1L), ("rule-a", "2026-11-21", "accepted", null, 1L)],
            report.Outcomes.Select(o => (o.RuleId, o.Day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), o.Outcome, o.ReasonCode, o.Cards))
                .OrderBy(o => o.Item2, StringComparer.Ordinal).ThenBy(o => o.ReasonCode, StringComparer.Ordinal));
        Assert.Equal("trial display", report.Outcomes.Single(o => o.ReasonCode == "trial").ReasonDisplay);
        Assert.Equal([new ReasonComment("rule-a", "v1", "trial", "on a trial")], report.Comments);
        Assert.Equal(1, report.FeedbackWithoutCard); // c-unknown
    }

    private static FeedbackEntry Overridden(string card, DateTimeOffset? at = null, string? reason = "trial", string? comment = null) =>
        new(card, "overridden", [], reason is null ? null : "urn:x", reason, reason is null ? null : reason + " display", comment, at ?? At);

    private static FeedbackEntry Accepted(string card, string suggestion) => new(card, "accepted", [suggestion], null, null, null, null, At);

    private static CardShown Card(string uuid, string rule, DateTimeOffset at, string service = Sign) =>
        new(uuid, rule, "v1", service, service == Sign ? "order-sign" : "order-select", at);
}
