using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using static CdsHooks.Engine.Tests.Rules.Checks.Labs;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules.Checks;

/// <summary>Rule tdm1-dose (check weight-based-dose) with the real rule file: Kadcyla PI 3.6 mg/kg every 3 weeks.</summary>
public class WeightBasedDoseCheckTests
{
    private const string Rule = "tdm1-dose";

    [Fact]
    public void Evaluate_DoseAtMaximumMgPerKg_DoesNotFire() =>
        Assert.Null(CardOf(Sign(Tdm1(3.6m)), Rule));

    [Fact]
    public void Evaluate_DoseJustAboveMaximumMgPerKg_FiresCritical()
    {
        var card = CardOf(Sign(Tdm1(3.7m)), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("3.7 mg/kg is above the 3.6 mg/kg maximum", card!.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(252)] // 3.600 mg/kg at 70 kg
    [InlineData(255)] // 3.643, read as 3.6
    public void Evaluate_AbsoluteDoseAtMaximumFor70Kg_DoesNotFire(decimal mg) =>
        Assert.Null(CardOf(Sign(Tdm1(mg, "mg")), Rule));

    [Theory]
    [InlineData(256)] // 3.657, read as 3.7
    [InlineData(259)] // 3.700
    public void Evaluate_AbsoluteDoseAboveMaximumFor70Kg_FiresCritical(decimal mg)
    {
        var card = CardOf(Sign(Tdm1(mg, "mg")), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("70 kg on 2026-11-17", card!.Detail, StringComparison.Ordinal);
        Assert.Contains("3.7 mg/kg", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_AbsoluteDoseInGrams_IsConvertedToMg()
    {
        var card = CardOf(Sign(Tdm1(0.42m, "g")), Rule); // 420 mg at 70 kg = 6 mg/kg

        Assert.Equal("critical", card?.Indicator);
    }

    [Fact]
    public void Evaluate_WeightInPounds_IsConvertedToKg()
    {
        // 154.324 lb = 70.0 kg; 252 mg is then 3.6 mg/kg
        var labs = NormalWith(Labs.Weight, Obs(Labs.Weight, 154.324m, "[lb_av]", "2026-11-17"));

        Assert.Null(CardOf(Sign(Tdm1(252, "mg"), labs), Rule));
    }

    [Fact]
    public void Evaluate_TrastuzumabLikeDose_SaysMixUp()
    {
        var card = CardOf(Sign(Tdm1(6)), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("trastuzumab dose?", card!.Summary, StringComparison.Ordinal);
        Assert.Contains("Herceptin", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TdxdLikeDose_SaysMixUp()
    {
        var card = CardOf(Sign(Tdm1(5.4m)), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("T-DXd dose?", card!.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3, "wk")]
    [InlineData(21, "d")]
    public void Evaluate_EveryThreeWeeks_DoesNotFire(decimal period, string unit) =>
        Assert.Null(CardOf(Sign(Tdm1(3.6m, period: period, periodUnit: unit)), Rule));

    [Theory]
    [InlineData(1, "wk")]
    [InlineData(2, "wk")]
    [InlineData(22, "d")]
    public void Evaluate_OtherSchedule_FiresWarning(decimal period, string unit)
    {
        var card = CardOf(Sign(Tdm1(3.6m, period: period, periodUnit: unit)), Rule);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("not the label schedule", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LowestReductionLevel_DoesNotFire() =>
        Assert.Null(CardOf(Sign(Tdm1(2.4m)), Rule));

    [Fact]
    public void Evaluate_BelowLowestReductionLevel_FiresWarning() =>
        Assert.Equal("warning", CardOf(Sign(Tdm1(2.3m)), Rule)?.Indicator);

    [Fact]
    public void Evaluate_NoDoseOnDraft_DoesNotFire() =>
        Assert.Null(CardOf(Sign(Tdm1(null, period: 1)), Rule));

    [Fact]
    public void Evaluate_MgDoseWithoutWeight_FiresInfoNotChecked()
    {
        var labs = Normal().Where(o => o.Code!.Coding![0].Code != Labs.Weight);

        var card = CardOf(Sign(Tdm1(250, "mg"), labs), Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("could not be checked: no body weight on record", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MgDoseWhenObservationsUnobtainable_SaysSo()
    {
        var input = Input(HookKind.OrderSign, [Tdm1(250, "mg")], data: PatientData.Empty with { Unavailable = new HashSet<DataKind> { DataKind.Observations } });

        var card = CardOf(input, Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.Contains("could not be obtained", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_MgPerKgDoseWithoutWeight_IsStillChecked() =>
        Assert.Equal("critical", CardOf(Sign(Tdm1(6), []), Rule)?.Indicator);

    [Fact]
    public void Evaluate_UnknownDoseUnit_FiresInfo() =>
        Assert.Equal("info", CardOf(Sign(Tdm1(10, "mL")), Rule)?.Indicator);

    [Fact]
    public void Evaluate_OrderSelectNotSelected_DoesNotFire()
    {
        var input = Input(HookKind.OrderSelect, [Tdm1(6), Draft("x", Text("ondansetron"))], ["MedicationRequest/x"],
            PatientData.Empty with { Observations = Normal() });

        Assert.Null(CardOf(input, Rule));
    }

    [Fact]
    public void Evaluate_OverdoseAndWrongSchedule_IsCriticalAndListsBoth()
    {
        var card = CardOf(Sign(Tdm1(6, period: 1)), Rule);

        Assert.Equal("critical", card?.Indicator);
        Assert.Contains("every week", card!.Detail, StringComparison.Ordinal);
        Assert.True(card.Summary.Length < 140);
    }
}
