using System.Collections.Immutable;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

/// <summary>A rule that fired, with what it fired on. Rendered to a card by CardRenderer.
/// <paramref name="AbsenceUnknown"/>: every condition held, but an absent role could be filled by a draft
/// whose drug was not identified. Unknown is never absent (issue 14): such a finding is not rendered as the
/// rule's card (which would suggest adding a drug the draft may already be); the drug-identity card says
/// that the rule could not be checked.</summary>
public sealed record Finding(
    RuleDefinition Rule,
    IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> Bindings,
    Indicator Indicator,
    ImmutableArray<string> FactsUsed,
    ImmutableArray<string> NotChecked,
    CheckOutcome? Check,
    bool AbsenceUnknown = false);

/// <summary>A rule that threw. Never read as "did not fire": it becomes a card of its own.</summary>
public sealed record RuleFailure(RuleDefinition Rule, Exception Exception);
