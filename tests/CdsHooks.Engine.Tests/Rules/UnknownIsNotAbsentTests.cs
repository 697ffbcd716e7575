using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules;

/// <summary>Issue 14: an unidentified draft may be the drug an absence rule needs absent, so the rule never
/// suggests adding it; the drug-identity card says what could not be checked, on order-select too.</summary>
public class UnknownIsNotAbsentTests
{
    private const string AbsenceRule = "endocrine-without-her2";

    /// <summary>HR+/HER2+ with bone metastases: the patient of fixture r3-letrozole-alone-bone-metastases-sign.</summary>
    private static PatientData TriplePositiveMetastatic => Record(
        conditions: [BreastCancer(), Icd("C79.51", "2026-10-01")],
        observations: [Receptor("85337-4", "2023-02-14", answer: "LA6576-8"), Receptor("85319-2", "2023-02-14", text: "3+")]);

    [Fact]
    public void Evaluate_LetrozoleAlone_AbsenceRuleFires()
    {
        var result = NewEngine().Evaluate(Input(HookKind.OrderSign, [Draft("let", RxNorm("72965"))], data: TriplePositiveMetastatic));

        Assert.Contains(AbsenceRule, result.RulesFired);
        Assert.DoesNotContain("drug-identity", result.RulesFired);
    }

    [Theory]
    [InlineData("Herceptin / Kadcyla")]
    [InlineData("Trastuzumab TDM-1")]
    [InlineData("Trastuzumab-Emtansinum")]
    public void Evaluate_LetrozoleBesideUnidentifiedDraft_NoAbsenceCardButIdentityCardNamesIt(string text)
    {
        var input = Input(HookKind.OrderSign, [Draft("let", RxNorm("72965")), Draft("x", Text(text))], data: TriplePositiveMetastatic);

        var result = NewEngine().Evaluate(input);

        Assert.DoesNotContain(AbsenceRule, result.RulesFired);
        var card = Assert.Single(result.Cards);
        Assert.Equal("drug-identity", card.Extension?.RuleId);
        Assert.Contains($"(`{AbsenceRule}`)", card.Detail, StringComparison.Ordinal);
        Assert.Null(card.Suggestions);
    }

    [Fact]
    public void Evaluate_LetrozoleSelectedUnidentifiedDraftNotSelected_IdentityCardNamesTheOtherDraft()
    {
        var input = Input(HookKind.OrderSelect, [Draft("let", RxNorm("72965")), Draft("x", Text("Herceptin / Kadcyla"))],
            ["MedicationRequest/let"], TriplePositiveMetastatic);

        var result = NewEngine().Evaluate(input);

        Assert.DoesNotContain(AbsenceRule, result.RulesFired);
        var card = Assert.Single(result.Cards);
        Assert.Contains("MedicationRequest/x", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_LetrozoleBesideIdentifiedTrastuzumab_Silent()
    {
        var input = Input(HookKind.OrderSign, [Draft("let", RxNorm("72965")), Draft("t", Text("Trastuzumab 6 mg/kg alle 3 Wochen"))],
            data: TriplePositiveMetastatic);

        Assert.Empty(NewEngine().Evaluate(input).Cards);
    }

    [Fact]
    public void Evaluate_TamoxifenSelectedUnidentifiedDraftNotSelected_IdentityCardShown()
    {
        var input = Input(HookKind.OrderSelect, [Draft("tam", Text("Tamoxifen 20 mg")), Draft("x", Text("Trastuzumab (Kadcyla)"))],
            ["MedicationRequest/tam"]);

        var result = NewEngine().Evaluate(input);

        Assert.Equal("drug-identity", Assert.Single(result.RulesFired));
    }

    [Fact]
    public void Evaluate_UnrelatedDrugSelectedUnidentifiedDraftNotSelected_NoCard()
    {
        var input = Input(HookKind.OrderSelect, [Draft("o", Text("ondansetron 8 mg")), Draft("x", Text("Trastuzumab (Kadcyla)"))],
            ["MedicationRequest/o"]);

        Assert.Empty(NewEngine().Evaluate(input).Cards);
    }
}
