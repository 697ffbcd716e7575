using CdsHooks.Service.Feedback;

namespace CdsHooks.Service.Analytics;

public sealed record OverrideReportModel(
    DateOnly From,
    DateOnly To,
    string? ServiceId,
    IReadOnlyList<RuleReport> Rules,
    long FeedbackWithoutCard);

/// <param name="OverrideRate">Overridden cards / cards shown, 0 to 1; null when no card was shown.</param>
public sealed record RuleReport(
    string RuleId,
    string KnowledgeVersion,
    long Shown,
    long Accepted,
    long Overridden,
    double? OverrideRate,
    IReadOnlyList<ReasonReport> Reasons,
    IReadOnlyList<WeekReport> Weeks);

/// <param name="Code">Null for a dismissal without a reason.</param>
public sealed record ReasonReport(string? Code, string Display, long Count, IReadOnlyList<string> SampleComments);

/// <param name="WeekStart">The Monday (UTC) of the ISO week the cards were shown in.</param>
public sealed record WeekReport(DateOnly WeekStart, long Shown, long Accepted, long Overridden);

/// <summary>
/// The override report a P&amp;T committee reads: per rule and knowledge version, cards shown, accepted and
/// overridden, the override rate, the top reasons with sample comments, and the same by week. Built here from
/// the store's day counts so that every store gives the same report.
/// </summary>
public static class OverrideReport
{
    public const int TopReasons = 5;
    public const int SampleComments = 3;

    public static OverrideReportModel Build(ReportQuery query, ReportData data)
    {
        var rules = new List<RuleReport>();
        var keys = data.Shown.Select(s => (s.RuleId, s.KnowledgeVersion))
            .Concat(data.Outcomes.Select(o => (o.RuleId, o.KnowledgeVersion)))
            .Distinct()
            .OrderBy(k => k.RuleId, StringComparer.Ordinal)
            .ThenBy(k => k.KnowledgeVersion, StringComparer.Ordinal);
        foreach (var (rule, version) in keys)
        {
            var shown = data.Shown.Where(s => s.RuleId == rule && s.KnowledgeVersion == version).ToList();
            var outcomes = data.Outcomes.Where(o => o.RuleId == rule && o.KnowledgeVersion == version).ToList();
            var total = shown.Sum(s => s.Cards);
            var overridden = Sum(outcomes, "overridden");
            var reasons = outcomes.Where(o => o.Outcome == "overridden")
                .GroupBy(o => o.ReasonCode)
                .Select(g => new ReasonReport(
                    g.Key,
                    g.Select(o => o.ReasonDisplay).FirstOrDefault(d => d is not null) ?? g.Key ?? "(no reason given)",
                    g.Sum(o => o.Cards),
                    [.. data.Comments.Where(c => c.RuleId == rule && c.KnowledgeVersion == version && c.ReasonCode == g.Key)
                        .Select(c => c.Comment).Distinct(StringComparer.Ordinal).Take(SampleComments)]))
                .OrderByDescending(r => r.Count)
                .ThenBy(r => r.Display, StringComparer.Ordinal)
                .Take(TopReasons)
                .ToList();
            var weeks = shown.Select(s => s.Day).Concat(outcomes.Select(o => o.Day))
                .Select(WeekStart).Distinct().Order()
                .Select(w => new WeekReport(
                    w,
                    shown.Where(s => WeekStart(s.Day) == w).Sum(s => s.Cards),
                    Sum(outcomes.Where(o => WeekStart(o.Day) == w), "accepted"),
                    Sum(outcomes.Where(o => WeekStart(o.Day) == w), "overridden")))
                .ToList();
            rules.Add(new RuleReport(rule, version, total, Sum(outcomes, "accepted"), overridden,
                total == 0 ? null : Math.Round((double)overridden / total, 4), reasons, weeks));
        }

        return new OverrideReportModel(query.From, query.To, query.ServiceId, rules, data.FeedbackWithoutCard);
    }

    /// <summary>ISO 8601 weeks start on Monday.</summary>
    public static DateOnly WeekStart(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static long Sum(IEnumerable<OutcomeCount> outcomes, string outcome) =>
        outcomes.Where(o => o.Outcome == outcome).Sum(o => o.Cards);
}
