namespace CdsHooks.Engine;

/// <summary>Engine settings that are local policy rather than clinical knowledge.</summary>
public sealed record EngineOptions
{
    /// <summary>A completed administration this recent counts as ongoing therapy. 28 days covers a
    /// 3-weekly infusion cycle with a week of delay.</summary>
    public int AdministrationActiveDays { get; init; } = 28;

    /// <summary>Concept ids on the hospital formulary (rule: T-DM1 in second line where T-DXd is available).
    /// Null means "everything in the knowledge base is on formulary".</summary>
    public IReadOnlySet<string>? Formulary { get; init; }

    /// <summary>Platelets and liver tests older than this are not used for the pre-dose safety check.</summary>
    public int RecentLabDays { get; init; } = 14;
}
