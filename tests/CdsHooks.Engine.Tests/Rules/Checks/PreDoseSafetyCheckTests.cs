using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Rules.Checks.Labs;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules.Checks;

/// <summary>Rule tdm1-safety (check pre-dose-safety) with the real rule file: Kadcyla PI MBC dose modifications.</summary>
public class PreDoseSafetyCheckTests
{
    private const string Rule = "tdm1-safety";

    private static string? Indicator(IEnumerable<Observation> labs, IEnumerable<Condition>? conditions = null) =>
        CardOf(Sign(Tdm1(3.6m), labs, conditions), Rule)?.Indicator;

    [Fact]
    public void Evaluate_RecentNormalLabs_DoesNotFire() =>
        Assert.Null(Indicator(Normal()));

    [Fact]
    public void Evaluate_Platelets49000_FiresWarningWithValueDateAndThreshold()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Platelets, Obs(Platelets, 49000, "/mm3"))), Rule);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("platelets 49,000/mm³ (< 50,000): hold", card!.Summary, StringComparison.Ordinal);
        Assert.Contains("on 2026-11-18", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PlateletsBelowGrade4_SaysReduceOneLevel()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Platelets, Obs(Platelets, 24, "10*9/L"))), Rule);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("reduce one level", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AltExactlyFiveTimesUln_DoesNotFire() =>
        Assert.Null(Indicator(NormalWith(Alt, Obs(Alt, 200, "U/L", high: 40))));

    [Fact]
    public void Evaluate_AltJustAboveFiveTimesUln_FiresWarning() =>
        Assert.Equal("warning", Indicator(NormalWith(Alt, Obs(Alt, 201, "U/L", high: 40))));

    [Fact]
    public void Evaluate_AstAboveTwentyTimesUln_FiresCritical() =>
        Assert.Equal("critical", Indicator(NormalWith(Ast, Obs(Ast, 801, "U/L", high: 40))));

    [Fact]
    public void Evaluate_AltWithoutReferenceRange_UsesLocalDefaultAndSaysSo()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Alt, Obs(Alt, 201, "U/L"))), Rule);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("local default", card!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_BilirubinExactlyOneAndHalfUln_DoesNotFire() =>
        Assert.Null(Indicator(NormalWith(Bilirubin, Obs(Bilirubin, 1.8m, "mg/dL", high: 1.2m))));

    [Fact]
    public void Evaluate_BilirubinAboveOneAndHalfUln_FiresWarning() =>
        Assert.Equal("warning", Indicator(NormalWith(Bilirubin, Obs(Bilirubin, 1.9m, "mg/dL", high: 1.2m))));

    [Fact]
    public void Evaluate_BilirubinInMicromolPerLitre_ComparedWithItsOwnUln() =>
        Assert.Equal("warning", Indicator(NormalWith(Bilirubin, Obs(Bilirubin, 32, "umol/L", high: 21))));

    [Fact]
    public void Evaluate_TransaminasesOver3WithBilirubinOver2Uln_FiresCritical()
    {
        var labs = NormalWith(Alt, Obs(Alt, 130, "U/L", high: 40)); // 3.25 x ULN: alone, no hold
        labs = [.. labs.Where(o => o.Code!.Coding![0].Code != Bilirubin), Obs(Bilirubin, 2.5m, "mg/dL", high: 1.2m)]; // 2.08 x ULN

        var card = CardOf(Sign(Tdm1(3.6m), labs), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("permanently discontinue", card!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TransaminasesAt3UlnWithBilirubinOver2Uln_IsOnlyABilirubinHold()
    {
        var labs = NormalWith(Alt, Obs(Alt, 120, "U/L", high: 40)); // exactly 3 x ULN
        labs = [.. labs.Where(o => o.Code!.Coding![0].Code != Bilirubin), Obs(Bilirubin, 2.5m, "mg/dL", high: 1.2m)];

        Assert.Equal("warning", Indicator(labs));
    }

    [Fact]
    public void Evaluate_Lvef40_DoesNotFire() =>
        Assert.Null(Indicator(NormalWith(Lvef, Obs(Lvef, 48, "%", "2026-05-01"), Obs(Lvef, 40, "%", "2026-11-01"))));

    [Fact]
    public void Evaluate_Lvef39_FiresWarning() =>
        Assert.Equal("warning", Indicator(NormalWith(Lvef, Obs(Lvef, 48, "%", "2026-05-01"), Obs(Lvef, 39, "%", "2026-11-01"))));

    [Fact]
    public void Evaluate_Lvef45With10PointFall_FiresWarning()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Lvef, Obs(Lvef, 55, "%", "2026-02-01"), Obs(Lvef, 45, "%", "2026-11-01"))), Rule);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("10 points below baseline", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Lvef45With9PointFall_DoesNotFire() =>
        Assert.Null(Indicator(NormalWith(Lvef, Obs(Lvef, 54, "%", "2026-02-01"), Obs(Lvef, 45, "%", "2026-11-01"))));

    [Fact]
    public void Evaluate_BaselineIsEarliestLvef_NotThePreviousOne()
    {
        // 60 -> 52 -> 45: 7 points below the previous value but 15 below the earliest
        var labs = NormalWith(Lvef, Obs(Lvef, 60, "%", "2025-11-01"), Obs(Lvef, 52, "%", "2026-06-01"), Obs(Lvef, 45, "%", "2026-11-01"));

        Assert.Equal("warning", Indicator(labs));
    }

    [Fact]
    public void Evaluate_Lvef42WithoutBaseline_FiresInfo() =>
        Assert.Equal("info", Indicator(NormalWith(Lvef, Obs(Lvef, 42, "%", "2026-11-01"))));

    [Fact]
    public void Evaluate_InterstitialLungDiseaseIcd_FiresCritical() =>
        Assert.Equal("critical", Indicator(Normal(), [Condition("J84.10", "Pulmonary fibrosis, unspecified")]));

    [Theory]
    [InlineData("J70.2")]
    [InlineData("J703")]
    [InlineData("J70.4")]
    public void Evaluate_DrugInducedInterstitialLungDisorder_FiresCritical(string icd) =>
        Assert.Equal("critical", Indicator(Normal(), [Condition(icd, "Drug-induced ILD")]));

    [Fact]
    public void Evaluate_PneumonitisByText_FiresCritical() =>
        Assert.Equal("critical", Indicator(Normal(), [Condition(null, "Radiation pneumonitis")]));

    [Fact]
    public void Evaluate_RefutedPneumonitis_DoesNotFire() =>
        Assert.Null(Indicator(Normal(), [Labs.Condition("J70.2", "Drug-induced pneumonitis", "refuted")]));

    [Fact]
    public void Evaluate_OtherLungCondition_DoesNotFire() =>
        Assert.Null(Indicator(Normal(), [Condition("J70.0", "Acute pulmonary manifestations due to radiation")]));

    [Fact]
    public void Evaluate_LabsFourteenDaysOld_AreUsed()
    {
        var labs = Normal().Select(o => o.With(c => c.Effective = new FhirDateTime("2026-11-06T09:00:00Z")));

        Assert.Null(Indicator(labs));
    }

    [Fact]
    public void Evaluate_LabsFifteenDaysOld_FiresInfoAskingForThem()
    {
        var labs = Normal().Select(o => o.With(c => c.Effective = new FhirDateTime("2026-11-05")));

        var card = CardOf(Sign(Tdm1(3.6m), labs), Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("no platelet count, AST/ALT or total bilirubin in the last 14 days", card!.Summary, StringComparison.Ordinal);
        Assert.Contains("15 days ago", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_StaleLowPlatelets_AreNotUsedButReported()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Platelets, Obs(Platelets, 30, "10*3/uL", "2026-10-01"))), Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("2026-10-01", card!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PlateletsInUnknownUnit_AreNotGuessedAndSaidSo()
    {
        var card = CardOf(Sign(Tdm1(3.6m), NormalWith(Platelets, Obs(Platelets, 49, "cells"))), Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("unit not understood", card!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_RecentLabWindowFromOptions_IsHonoured()
    {
        var labs = Normal().Select(o => o.With(c => c.Effective = new FhirDateTime("2026-11-05")));
        var input = Sign(Tdm1(3.6m), labs);

        var result = NewEngine(new EngineOptions { RecentLabDays = 30 }).Evaluate(input);

        Assert.DoesNotContain(Rule, result.RulesFired);
    }

    [Fact]
    public void Evaluate_NoObservationsAtAll_FiresInfo() =>
        Assert.Equal("info", Indicator([]));

    [Fact]
    public void Evaluate_ObservationsUnobtainable_FiresInfoSayingSo()
    {
        var input = Input(HookKind.OrderSign, [Tdm1(3.6m)], data: PatientData.Empty with { Unavailable = new HashSet<DataKind> { DataKind.Observations } });

        var card = CardOf(input, Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("could not be obtained", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_CriticalAndHold_IsCriticalWithEveryReasonInDetail()
    {
        var labs = NormalWith(Platelets, Obs(Platelets, 40, "10*3/uL"));

        var card = CardOf(Sign(Tdm1(3.6m), labs, [Condition("J70.2", "Drug-induced pneumonitis")]), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("Drug-induced pneumonitis", card!.Summary, StringComparison.Ordinal);
        Assert.Contains("40,000/mm³", card.Detail, StringComparison.Ordinal);
        Assert.True(card.Summary.Length < 140);
    }

    [Fact]
    public void Evaluate_TdmNotDrafted_DoesNotFire()
    {
        var data = PatientData.Empty with { MedicationStatements = [ActiveStatement("s", RxNorm("1371041"))] };

        var result = NewEngine().Evaluate(Input(HookKind.OrderSign, [Draft("l", RxNorm("72965"))], data: data));

        Assert.DoesNotContain(Rule, result.RulesFired);
    }
}
