using System.Collections.Immutable;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules;

public class RuleIsolationTests
{
    [Fact]
    public void Evaluate_RuleThatThrows_BecomesWarningCardAndOtherRulesStillFire()
    {
        var engine = ThrowingEngine(out var brokenRuleId);
        var input = Input(HookKind.OrderSign, [Draft("tdm1", RxNorm("1371041")), Draft("let", RxNorm("72965"))]);

        var result = engine.Evaluate(input);

        var failure = Assert.Single(result.Failures);
        Assert.Equal(brokenRuleId, failure.Rule.Id);
        Assert.Contains(result.Cards, c => c.Extension?.RuleId == brokenRuleId && c.Indicator == "warning" && c.Summary.StartsWith("Check not completed", StringComparison.Ordinal));
        Assert.Contains("tdm1-with-endocrine", result.RulesFired);
    }

    /// <summary>The real knowledge plus one rule whose check always throws.</summary>
    internal static CdsEngine ThrowingEngine(out string ruleId)
    {
        var knowledge = TestData.KnowledgeBase;
        var template = knowledge.Rules.First(r => r.Id == "tdm1-with-endocrine");
        var broken = template with { Id = "always-throws", Title = "A check that always throws", Check = ThrowingCheck.CheckName, Suggestions = [] };
        var withBroken = new Engine.Knowledge.KnowledgeBase(knowledge.Manifest, knowledge.Concepts, knowledge.Evidence, knowledge.OrderTemplates, knowledge.Rules.Add(broken));
        ruleId = broken.Id;
        return new CdsEngine(withBroken, new EngineOptions(), new FixedTime(Now), [new ThrowingCheck()]);
    }

    private sealed class ThrowingCheck : IRuleCheck
    {
        public const string CheckName = "always-throws";

        public string Name => CheckName;

        public IReadOnlyList<string> Parameters => [];

        public CheckOutcome Evaluate(RuleDefinition rule, IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> bindings, RuleContext context) =>
            throw new InvalidOperationException("simulated defect in a rule");
    }
}
