using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules;

/// <summary>What the fixtures cannot show: a hospital formulary (configuration) and a medication
/// history that could not be obtained. The rules themselves are covered by fhir-fixtures/.</summary>
public class LineOfTherapyRuleTests
{
    private static readonly PatientData SecondLine = Record(
        conditions: [BreastCancer(), Icd("C78.7", "2024-12-20")],
        statements: [Statement(Trastuzumab, "completed", "2025-01-10", "2026-09-30"), Statement(Pertuzumab, "completed", "2025-01-10", "2026-09-30")]);

    [Fact]
    public void Evaluate_TdmSecondLineTdxdOnFormulary_FiresInfo()
    {
        var options = new EngineOptions { Formulary = new HashSet<string>(["fam-trastuzumab-deruxtecan", "ado-trastuzumab-emtansine"], StringComparer.Ordinal) };

        var result = NewEngine(options).Evaluate(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm(Tdm1))], data: SecondLine));

        // The pre-dose safety rule also asks for labs (none in this history); this test is about rule 5.
        var card = Assert.Single(result.Cards, c => c.Extension?.RuleId == "tdm1-second-line-tdxd");
        Assert.Contains("CdsService:Formulary", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_TdmSecondLineTdxdNotOnFormulary_Silent()
    {
        var options = new EngineOptions { Formulary = new HashSet<string>(["ado-trastuzumab-emtansine", "trastuzumab"], StringComparer.Ordinal) };

        var result = NewEngine(options).Evaluate(Input(HookKind.OrderSign, [Draft("tdm1", RxNorm(Tdm1))], data: SecondLine));

        Assert.DoesNotContain("tdm1-second-line-tdxd", result.RulesFired);
    }

    [Theory]
    [InlineData(false, "NotMet")]
    [InlineData(true, "Unknown")]
    public void EvaluateProgressedOn_NoProgressionRecord_NotMetOnlyWhenHistoryComplete(bool statementsUnavailable, string expected)
    {
        var data = statementsUnavailable ? SecondLine with { Unavailable = new HashSet<DataKind> { DataKind.MedicationStatements } } : SecondLine;
        var input = Input(HookKind.OrderSign, [Draft("tdm1", RxNorm(Tdm1))], data: data);
        var context = new RuleContext(input, new Regimen([], []), new PatientFacts(), new EngineOptions(), Now);
        var conditions = PatientConditions.None with { ProgressedOn = "ado-trastuzumab-emtansine" };

        var result = PatientConditionEvaluator.Evaluate(conditions, context, [], []);

        Assert.Equal(expected, result.ToString());
    }
}
