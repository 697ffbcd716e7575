using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules;

/// <summary>Rule tdm1-with-trastuzumab-or-tdxd: "Do not substitute Kadcyla for or with trastuzumab" (labels, clinical-facts.md §3.0).</summary>
public class TdmWithTrastuzumabOrTdxdTests
{
    private const string RuleId = "tdm1-with-trastuzumab-or-tdxd";

    private static Engine.Cards.Card? Card(EvaluationInput input) =>
        NewEngine().Evaluate(input).Cards.SingleOrDefault(c => c.Extension?.RuleId == RuleId);

    [Theory]
    [InlineData("224905")]   // trastuzumab
    [InlineData("2119714")]  // Herceptin Hylecta (counts as trastuzumab)
    [InlineData("2382601")]  // Phesgo (counts as trastuzumab)
    [InlineData("2267576")]  // Enhertu
    public void Evaluate_TdmDraftedWithOther_FiresCriticalWithBothCancelOptions(string code)
    {
        var card = Card(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm("1371041")), Draft("other", RxNorm(code))]));

        Assert.Equal("critical", card?.Indicator);
        Assert.Equal(2, card!.Suggestions?.Count);
        Assert.Null(card.Suggestions!.FirstOrDefault(s => s.IsRecommended == true));
        Assert.True(card.Summary.Length < 140);
    }

    [Fact]
    public void Evaluate_TdmDraftedWhileTrastuzumabActive_OffersOnlyCancellingTdm()
    {
        var data = PatientData.Empty with { MedicationStatements = [ActiveStatement("s", RxNorm("224905"))] };

        var card = Card(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm("1371041"))], data: data));

        Assert.Equal("critical", card?.Indicator);
        var only = Assert.Single(card!.Suggestions!);
        Assert.Equal("MedicationRequest/tdm1", Assert.Single(only.Actions).ResourceId);
    }

    [Fact]
    public void Evaluate_TdxdSelectedWhileTdmActive_Fires()
    {
        var data = PatientData.Empty with { MedicationStatements = [ActiveStatement("s", RxNorm("1371041"))] };

        var card = Card(Input(HookKind.OrderSelect, [Draft("e", Text("Enhertu"))], ["MedicationRequest/e"], data));

        Assert.Equal("critical", card?.Indicator);
    }

    [Fact]
    public void Evaluate_TrastuzumabInThePast_DoesNotFire()
    {
        var past = new MedicationStatement
        {
            Id = "s",
            Status = MedicationStatement.MedicationStatusCodes.Completed,
            Medication = RxNorm("224905"),
            Effective = new Period { Start = "2025-01-01", End = "2026-03-01" },
        };

        Assert.Null(Card(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm("1371041"))], data: PatientData.Empty with { MedicationStatements = [past] })));
    }

    [Fact]
    public void Evaluate_TrastuzumabWithPertuzumab_DoesNotFire() =>
        Assert.Null(Card(Input(HookKind.OrderSign, [Draft("t", RxNorm("224905")), Draft("p", RxNorm("1298944"))])));

    [Fact]
    public void Evaluate_TdmWithPertuzumabOnly_DoesNotFire() =>
        Assert.Null(Card(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm("1371041")), Draft("p", RxNorm("1298944"))])));
}
