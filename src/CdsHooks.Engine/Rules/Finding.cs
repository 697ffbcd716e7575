using System.Collections.Immutable;

namespace CdsHooks.Engine.Rules;

/// <summary>A rule that fired, with what it fired on. Rendered to a card by CardRenderer.</summary>
public sealed record Finding(
    RuleDefinition Rule,
    IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> Bindings,
    Indicator Indicator,
    ImmutableArray<string> FactsUsed,
    ImmutableArray<string> NotChecked,
    CheckOutcome? Check);

/// <summary>A rule that threw. Never read as "did not fire": it becomes a card of its own.</summary>
public sealed record RuleFailure(RuleDefinition Rule, Exception Exception);
