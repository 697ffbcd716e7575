using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CdsHooks.Service.Tests.Hooks;

public sealed class RuleFailureTests
{
    [Fact]
    public async Task Post_RuleThrows_200WithWarningCardOtherCardsAndFailureCounted()
    {
        using var factory = new CdsServiceFactory(services: s =>
        {
            s.RemoveAll<CdsEngine>();
            s.AddSingleton(EngineWithBrokenRule());
        });
        using var client = factory.CreateClient();

        using var response = await client.PostAsync(new Uri("/cds-services/triple-positive-order-sign", UriKind.Relative),
            new StringContent(HookEndpointTests.FixtureBody("r01-tdm1-letrozole-rxnorm-ingredient-sign"), Encoding.UTF8, "application/json"));

        response.EnsureSuccessStatusCode();
        var cards = CdsResponseAssert.Conforms(JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        var rules = cards.Select(c => (string?)c?["extension"]?["regimen-check.rule-id"]).ToList();
        Assert.Contains("always-throws", rules);
        Assert.Contains("tdm1-with-endocrine", rules);
        Assert.Equal(1, factory.Services.GetRequiredService<ServiceMetrics>().RuleFailures);
    }

    private static CdsEngine EngineWithBrokenRule()
    {
        var knowledge = KnowledgeLoader.Load(Path.Combine(Repo.Root, "cds-cards"), BuiltInChecks.Names);
        var template = knowledge.Rules.First(r => r.Id == "tdm1-with-endocrine");
        var broken = template with { Id = "always-throws", Title = "A check that always throws", Check = "always-throws", Suggestions = [] };
        var withBroken = new KnowledgeBase(knowledge.Manifest, knowledge.Concepts, knowledge.Evidence, knowledge.OrderTemplates, knowledge.Rules.Add(broken));
        return new CdsEngine(withBroken, new EngineOptions(), TimeProvider.System, [new Throwing()]);
    }

    private sealed class Throwing : IRuleCheck
    {
        public string Name => "always-throws";

        public IReadOnlyList<string> Parameters => [];

        public CheckOutcome Evaluate(RuleDefinition rule, IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<RegimenItem>> bindings, RuleContext context) =>
            throw new InvalidOperationException("simulated defect in a rule");
    }
}
