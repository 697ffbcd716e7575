namespace CdsHooks.Service.Analytics;

/// <summary>Configuration section "Analytics": the override report and the record of cards shown behind it.</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Serves /analytics and /analytics.json. Default: on in Development, off elsewhere. Outside
    /// Development they need the same authentication as the hooks.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Records every card returned (rule, card uuid, time, hook, service, knowledge version; no patient).
    /// On by default everywhere, so the report has data when it is switched on later.</summary>
    public bool RecordCardsShown { get; set; } = true;

    /// <summary>Cards-shown records older than this are deleted (checked at start-up and hourly).</summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>Cards waiting to be written. When the writer falls this far behind, further cards are not
    /// recorded (counted in cds.cards.unrecorded and logged) rather than slowing the hook down.</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>How long the writer lets cards gather before a write: the report lags by this much at most
    /// (plus the write), and a busy service commits once per this many milliseconds instead of once per call.</summary>
    public int FlushMilliseconds { get; set; } = 250;
}
