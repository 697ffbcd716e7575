using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

public class LineOfTherapyTests
{
    private static readonly Condition Liver2024 = Icd("C78.7", "2024-12-20");

    [Fact]
    public void Determine_MetastaticWithoutHer2History_First()
    {
        var facts = Facts(Record(conditions: [BreastCancer(), Liver2024]));

        Assert.Equal(Line.First, facts.LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_OneRegimenAfterOnset_SecondAndSaysWhich()
    {
        var data = Record(conditions: [Liver2024], requests:
        [
            Request(Trastuzumab, "completed", "2025-01-10", "2026-09-30"),
            Request(Pertuzumab, "completed", "2025-01-10", "2026-09-30"),
        ]);

        var facts = Facts(data);

        Assert.Equal(Line.Second, facts.LineOfTherapy.Value);
        Assert.Equal("second line: trastuzumab + pertuzumab from 2025-01-10 after metastatic onset 2024-12-20", facts.LineOfTherapy.Text);
    }

    [Fact]
    public void Determine_TwoRegimensAfterOnset_ThirdOrLater()
    {
        var data = Record(conditions: [Liver2024],
            requests: [Request(Trastuzumab, "completed", "2025-01-10", "2025-12-15"), Request(Pertuzumab, "completed", "2025-01-10", "2025-12-15")],
            statements: [Statement(Tdm1, "completed", "2026-01-05", "2026-10-20")]);

        Assert.Equal(Line.ThirdOrLater, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_InfusionsEveryThreeWeeksWithDelays_OneRegimen()
    {
        // 21-day cycles, with two cycles delayed by a week: the same drugs continue, one line.
        var administrations = Every(Trastuzumab, "2025-01-10", "2025-06-01")
            .Concat(Every(Trastuzumab, "2025-06-29", "2026-09-01", 28))
            .Concat(Every(Pertuzumab, "2025-01-10", "2026-09-01", 28));

        var facts = Facts(Record(conditions: [Liver2024], administrations: administrations));

        Assert.Equal(Line.Second, facts.LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_DrugAddedWithin21DaysOfRegimenStart_SameRegimen()
    {
        var data = Record(conditions: [Liver2024], statements:
        [
            Statement(Trastuzumab, "completed", "2025-01-10", "2026-09-01"),
            Statement(Pertuzumab, "completed", "2025-01-31", "2026-09-01"),
        ]);

        Assert.Equal(Line.Second, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_NewDrug22DaysAfterRegimenStart_NewRegimen()
    {
        var data = Record(conditions: [Liver2024], statements:
        [
            Statement(Trastuzumab, "completed", "2025-01-10", "2025-01-31"),
            Statement(Tdm1, "completed", "2025-02-01", "2026-09-01"),
        ]);

        Assert.Equal(Line.ThirdOrLater, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_DraftsOfThisSession_NotCounted()
    {
        var facts = Facts(Record(conditions: [Liver2024]), TestData.Draft("t", TestData.RxNorm(Trastuzumab)), TestData.Draft("p", TestData.RxNorm(Pertuzumab)));

        Assert.Equal(Line.First, facts.LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_RegimenStartedWithinLast21Days_IsTheCurrentLine()
    {
        var data = Record(conditions: [Icd("C78.01", "2026-10-25")], administrations: Every(Trastuzumab, "2026-11-10", "2026-11-10"));

        var facts = Facts(data);

        Assert.Equal(Line.First, facts.LineOfTherapy.Value);
        Assert.Contains("being given now", facts.LineOfTherapy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Determine_RegimenStarted22DaysAgo_IsAPriorLine()
    {
        var data = Record(conditions: [Icd("C78.01", "2026-10-25")], administrations: Every(Trastuzumab, "2026-10-29", "2026-10-29"));

        Assert.Equal(Line.Second, Facts(data).LineOfTherapy.Value);
    }

    // Boundary pair (seed 004): relapse ≤ 12 months after the end of adjuvant trastuzumab counts as
    // having had first-line therapy; 12 calendar months counts, 12 months + 1 day does not.
    [Theory]
    [InlineData("2025-09-30", "2026-09-30", Line.Second)]
    [InlineData("2025-09-30", "2026-10-01", Line.First)]
    [InlineData("2024-02-29", "2025-02-28", Line.Second)]
    [InlineData("2024-02-29", "2025-03-01", Line.First)]
    public void Determine_RelapseAfterAdjuvantTrastuzumab_TwelveMonthBoundary(string adjuvantEnd, string onset, Line expected)
    {
        var data = Record(conditions: [BreastCancer("2023-06-01"), Icd("C79.51", onset)],
            statements: [Statement(Trastuzumab, "completed", "2023-07-01", adjuvantEnd)]);

        Assert.Equal(expected, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_RelapseWhileAdjuvantTrastuzumabRuns_Second()
    {
        var data = Record(conditions: [Icd("C78.7", "2026-10-15")], requests: [Request(Trastuzumab, "active", "2026-03-01")]);

        var facts = Facts(data);

        Assert.Equal(Line.Second, facts.LineOfTherapy.Value);
        Assert.Contains("during (neo)adjuvant trastuzumab", facts.LineOfTherapy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Determine_EarlyRelapseAndOneMetastaticRegimen_ThirdOrLater()
    {
        var data = Record(conditions: [Icd("C78.7", "2025-03-01")], statements:
        [
            Statement(Trastuzumab, "completed", "2024-01-10", "2024-12-20"),
            Statement(Tdm1, "completed", "2025-03-20", "2026-09-01"),
        ]);

        Assert.Equal(Line.ThirdOrLater, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_AdjuvantWithoutEndStartedLongBefore_Unknown()
    {
        var data = Record(conditions: [Icd("C79.51", "2026-10-01")], requests: [Request(Trastuzumab, "completed", "2023-03-01")]);

        var facts = Facts(data);

        Assert.Equal(Line.Unknown, facts.LineOfTherapy.Value);
        Assert.Contains("no end date", facts.LineOfTherapy.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Determine_AdjuvantWithoutEndStartedWithinTwelveMonths_Second()
    {
        var data = Record(conditions: [Icd("C79.51", "2026-10-01")], requests: [Request(Trastuzumab, "completed", "2026-01-15")]);

        Assert.Equal(Line.Second, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_EarlyBreastCancer_NotMetastatic()
    {
        var data = Record(conditions: [BreastCancer("2026-03-01")], statements: [Statement(Trastuzumab, "completed", "2026-03-15", "2026-07-20")]);

        Assert.Equal(Line.NotMetastatic, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_MetastaticStatusUnknown_Unknown()
    {
        Assert.Equal(Line.Unknown, Facts(Record()).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_MedicationHistoryUnavailable_Unknown()
    {
        var data = Record(conditions: [Liver2024]) with { Unavailable = new HashSet<DataKind> { DataKind.MedicationAdministrations } };

        Assert.Equal(Line.Unknown, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_Her2HistoryButOnsetUndated_Unknown()
    {
        var data = Record(conditions: [Icd("C78.7", null)], statements: [Statement(Trastuzumab, "completed", "2025-01-10", "2026-09-01")]);

        Assert.Equal(Line.Unknown, Facts(data).LineOfTherapy.Value);
    }

    [Fact]
    public void Determine_ChemotherapyOnly_NotCountedAsHer2Line()
    {
        var data = Record(conditions: [Liver2024], statements: [Statement(Docetaxel, "completed", "2025-01-10", "2025-06-01")]);

        Assert.Equal(Line.First, Facts(data).LineOfTherapy.Value);
    }
}
