using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Rules.Checks.Labs;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Patients;

/// <summary>Which result is used: the latest, by status, not from the future, and what is reported when none can be read.</summary>
public partial class MeasurementFactsTests
{
    [Fact]
    public void Add_SeveralResults_TakesTheLatest()
    {
        var platelets = Facts([Obs(Platelets, 100, "10*3/uL", "2026-11-18"), Obs(Platelets, 40, "10*3/uL", "2026-11-19"), Obs(Platelets, 200, "10*3/uL", "2026-11-01")]).Platelets;

        Assert.Equal(40000m, platelets?.Value);
    }

    [Theory]
    [InlineData("entered-in-error")]
    [InlineData("cancelled")]
    [InlineData("registered")]
    [InlineData("unknown")]
    public void Add_NonResultStatus_IsIgnored(string status) =>
        Assert.Equal(200000m, Facts([Obs(Platelets, 200, "10*3/uL", "2026-11-10"), Obs(Platelets, 40, "10*3/uL", "2026-11-19", status: status)]).Platelets?.Value);

    [Theory]
    [InlineData("amended")]
    [InlineData("corrected")]
    public void Add_RevisedResult_IsUsed(string status) =>
        Assert.Equal(40000m, Facts([Obs(Platelets, 40, "10*3/uL", status: status)]).Platelets?.Value);

    [Fact]
    public void Add_PreliminaryResult_IsUsedAndMarked() =>
        Assert.Contains("preliminary", Facts([Obs(Platelets, 40, "10*3/uL", status: "preliminary")]).Platelets?.Source, StringComparison.Ordinal);

    [Fact]
    public void Add_FutureDatedResult_IsNotUsed()
    {
        var facts = Facts([Obs(Platelets, 40, "10*3/uL", "2026-12-01")]);

        Assert.Null(facts.Platelets);
        Assert.Contains(facts.UnreadableMeasurements, p => p.Contains("future", StringComparison.Ordinal));
    }

    [Fact]
    public void Add_UnreadableOfSeveralKinds_ReportedLvefThenWeightPlateletsAltAstBilirubin()
    {
        // Record order deliberately differs from the reporting order (and interleaves the kinds):
        // the cards list unreadable values kind by kind, each kind in record order.
        var facts = Facts(
        [
            Obs(Bilirubin, 0.6m, "g/L").With(o => o.Id = "bili"),
            Obs(Platelets, 40, "10*3/uL", "2026-12-01").With(o => o.Id = "plt-future"),
            Obs(Weight, 70, "stone").With(o => o.Id = "wt-unit"),
            Obs(Alt, 30, "U/L", "2026-12-02").With(o => o.Id = "alt-future"),
            Obs(Lvef, 55, "%", "2026-12-03").With(o => o.Id = "lvef-future"),
            Obs(Weight, 71, "kg", "2026-12-04").With(o => o.Id = "wt-future"),
            Obs(Ast, 25, "mmol").With(o => o.Id = "ast-unit"),
            Obs(Platelets, 41, "g/dL").With(o => o.Id = "plt-unit"),
            Obs(Lvef, 50, "mL").With(o => o.Id = "lvef-unit"),
        ]);

        Assert.Equal(
        [
            "LVEF 55 % (Observation/lvef-future, LOINC 10230-1) is dated in the future (2026-12-03): not used",
            "LVEF 50 \"mL\" (Observation/lvef-unit, LOINC 10230-1, 2026-11-18): unit not understood, not used",
            "Body weight 70 \"stone\" (Observation/wt-unit, LOINC 29463-7, 2026-11-18): unit not understood, not used",
            "Body weight 71 kg (Observation/wt-future, LOINC 29463-7) is dated in the future (2026-12-04): not used",
            "Platelets 40 10*3/uL (Observation/plt-future, LOINC 777-3) is dated in the future (2026-12-01): not used",
            "Platelets 41 \"g/dL\" (Observation/plt-unit, LOINC 777-3, 2026-11-18): unit not understood, not used",
            "ALT 30 U/L (Observation/alt-future, LOINC 1742-6) is dated in the future (2026-12-02): not used",
            "AST 25 \"mmol\" (Observation/ast-unit, LOINC 1920-8, 2026-11-18): unit not understood, not used",
            "Total bilirubin 0.6 \"g/L\" (Observation/bili, LOINC 1975-2, 2026-11-18): unit not understood, not used",
        ], facts.UnreadableMeasurements.AsEnumerable());
    }

    [Fact]
    public void Add_ObservationCodedForTwoAnalytes_CountsForBothWithTheFirstLoincOfEach()
    {
        var observation = Obs(Alt, 30, "U/L").With(o => o.Code = new CodeableConcept
        {
            Coding =
            [
                new Coding { System = CodeSystems.Snomed, Code = Ast },
                new Coding { System = CodeSystems.Loinc, Code = Alt },
                new Coding { System = CodeSystems.Loinc, Code = "30239-8" },
                new Coding { System = CodeSystems.Loinc, Code = Ast },
            ],
        });

        var facts = Facts([observation]);

        Assert.Contains("LOINC 1742-6", facts.Alt?.Source, StringComparison.Ordinal);
        Assert.Contains("LOINC 30239-8", facts.Ast?.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_LvefBaseline_IsEarliestBeforeLatest()
    {
        var facts = Facts([Obs(Lvef, 52, "%", "2026-06-01"), Obs(Lvef, 45, "%", "2026-11-01"), Obs(Lvef, 60, "%", "2025-11-01")]);

        Assert.Equal(45m, facts.Lvef?.Value);
        Assert.Equal(60m, facts.LvefBaseline?.Value);
    }

    [Fact]
    public void Add_SameDateLatest_LastInRecordOrderWins() =>
        Assert.Equal(72m, Facts([Obs(Weight, 70, "kg", "2026-11-17"), Obs(Weight, 72, "kg", "2026-11-17"), Obs(Weight, 69, "kg", "2026-10-01")]).Weight?.Value);

    [Fact]
    public void Add_SameDateEarliest_FirstInRecordOrderIsBaseline()
    {
        var facts = Facts([Obs(Lvef, 50, "%", "2026-11-01"), Obs(Lvef, 60, "%", "2025-01-01"), Obs(Lvef, 58, "%", "2025-01-01")]);

        Assert.Equal(50m, facts.Lvef?.Value);
        Assert.Equal(60m, facts.LvefBaseline?.Value);
    }

    [Fact]
    public void Add_UndatedValue_UsedOnlyWhenNoneIsDated()
    {
        var undated = Obs(Weight, 80, "kg").With(o => o.Effective = null);
        var undatedToo = Obs(Weight, 81, "kg").With(o => o.Effective = null);

        Assert.Equal(70m, Facts([undated, Obs(Weight, 70, "kg", "2026-11-17"), undatedToo]).Weight?.Value);
        Assert.Equal(80m, Facts([undated, undatedToo]).Weight?.Value);
        Assert.Null(Facts([Obs(Lvef, 50, "%").With(o => o.Effective = null), Obs(Lvef, 55, "%", "2026-01-01")]).LvefBaseline);
    }

    [Fact]
    public void Add_SingleLvef_HasNoBaseline() =>
        Assert.Null(Facts([Obs(Lvef, 45, "%")]).LvefBaseline);

    [Theory]
    [InlineData("J84.10")]
    [InlineData("J84.9")]
    [InlineData("J70.2")]
    [InlineData("J70.3")]
    [InlineData("J704")]
    public void Add_LungDiseaseIcd10Cm_IsHistory(string code) =>
        Assert.True(Facts([], [Rules.Checks.Labs.Condition(code, "x")]).InterstitialLungDisease);

    [Theory]
    [InlineData("Radiation pneumonitis")]
    [InlineData("Interstitial lung disease (disorder)")]
    public void Add_LungDiseaseText_IsHistory(string text) =>
        Assert.True(Facts([], [Rules.Checks.Labs.Condition(null, text)]).InterstitialLungDisease);

    [Theory]
    [InlineData("J70.0", "Acute pulmonary manifestations due to radiation")]
    [InlineData("J18.9", "Pneumonia, unspecified organism")]
    public void Add_OtherLungCondition_IsNotHistory(string code, string text) =>
        Assert.False(Facts([], [Rules.Checks.Labs.Condition(code, text)]).InterstitialLungDisease);

    [Theory]
    [InlineData("refuted")]
    [InlineData("entered-in-error")]
    public void Add_RefutedLungDisease_IsNotHistory(string verification) =>
        Assert.False(Facts([], [Rules.Checks.Labs.Condition("J70.2", "Drug-induced pneumonitis", verification)]).InterstitialLungDisease);

    [Fact]
    public void Add_IcdCodeFromOtherSystem_IsNotRead()
    {
        var condition = new Condition { Id = "c", Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Snomed, Code = "J84.10" }] } };

        Assert.False(Facts([], [condition]).InterstitialLungDisease);
    }
}
