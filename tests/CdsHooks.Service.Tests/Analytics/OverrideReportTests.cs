using CdsHooks.Service.Analytics;
using CdsHooks.Service.Feedback;

namespace CdsHooks.Service.Tests.Analytics;

public sealed class OverrideReportTests
{
    private static readonly ReportQuery Range = new(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), null);

    [Fact]
    public void Build_DaysOfOneIsoWeek_FoldIntoTheMondayOfThatWeek()
    {
        // 2026-11-16 is a Monday; the 22nd its Sunday; the 23rd the next Monday.
        var data = new ReportData(
            [Shown("2026-11-16", 2), Shown("2026-11-22", 3), Shown("2026-11-23", 5)],
            [Outcome("2026-11-22", "overridden", "r1", 1), Outcome("2026-11-23", "accepted", null, 2)],
            [],
            0);

        var rule = Assert.Single(OverrideReport.Build(Range, data).Rules);

        Assert.Equal([new WeekReport(new DateOnly(2026, 11, 16), 5, 0, 1), new WeekReport(new DateOnly(2026, 11, 23), 5, 2, 0)], rule.Weeks);
        Assert.Equal(10, rule.Shown);
        Assert.Equal(0.1, rule.OverrideRate);
    }

    [Fact]
    public void Build_ReasonsAndComments_CountedMostFrequentFirstWithTheirOwnComments()
    {
        var data = new ReportData(
            [Shown("2026-11-16", 10)],
            [Outcome("2026-11-16", "overridden", "trial", 1), Outcome("2026-11-17", "overridden", "preference", 3), Outcome("2026-11-16", "overridden", null, 1)],
            [new ReasonComment("rule-a", "v1", "preference", "asked twice"), new ReasonComment("rule-a", "v1", "trial", "on protocol")],
            0);

        var rule = Assert.Single(OverrideReport.Build(Range, data).Rules);

        Assert.Equal(["preference display", "(no reason given)", "trial display"], rule.Reasons.Select(r => r.Display));
        Assert.Equal([3L, 1L, 1L], rule.Reasons.Select(r => r.Count));
        Assert.Equal(["asked twice"], rule.Reasons[0].SampleComments);
        Assert.Empty(rule.Reasons[1].SampleComments);
        Assert.Equal(0.5, rule.OverrideRate);
    }

    [Fact]
    public void Build_FeedbackButNoCardShownInRange_RateIsNullNotInfinite()
    {
        var data = new ReportData([], [Outcome("2026-11-16", "overridden", "trial", 1)], [], 0);

        var rule = Assert.Single(OverrideReport.Build(Range, data).Rules);

        Assert.Null(rule.OverrideRate);
        Assert.Equal(1, rule.Overridden);
    }

    [Theory]
    [InlineData("2026-11-16", "2026-11-16")] // Monday
    [InlineData("2026-11-22", "2026-11-16")] // Sunday
    [InlineData("2026-11-23", "2026-11-23")] // next Monday
    public void WeekStart_IsTheIsoMonday(string day, string monday) =>
        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture),
            OverrideReport.WeekStart(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture)));

    private static ShownCount Shown(string day, long cards) =>
        new("rule-a", "v1", "svc", DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), cards);

    private static OutcomeCount Outcome(string day, string outcome, string? reason, long cards) =>
        new("rule-a", "v1", "svc", DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), outcome, reason,
            reason is null ? null : reason + " display", cards);
}
