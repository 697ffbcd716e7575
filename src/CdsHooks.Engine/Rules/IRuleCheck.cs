using System.Collections.Immutable;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

/// <summary>Everything a rule sees; built once per hook call and shared by every rule.</summary>
public sealed record RuleContext(
    EvaluationInput Input,
    Regimen Regimen,
    PatientFacts Facts,
    EngineOptions Options,
    DateTimeOffset Now);

/// <summary>
/// A specialised check named by a rule's <c>check:</c> key (dose, pre-dose safety). The thresholds
/// are the rule's <c>parameters</c>; the code is generic over them.
/// </summary>
public interface IRuleCheck
{
    string Name { get; }

    /// <summary>The <c>parameters:</c> this check reads. The loader refuses a rule that names the check
    /// without one of them, or with a parameter the check does not read (a typo would otherwise
    /// silently fall back to nothing).</summary>
    IReadOnlyList<string> Parameters { get; }

    CheckOutcome Evaluate(RuleDefinition rule, IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> bindings, RuleContext context);
}

/// <param name="Fires">Whether the card is shown.</param>
/// <param name="Indicator">Overrides the rule's indicator (a dose above the maximum is critical).</param>
/// <param name="Values">Fills {check.name} placeholders in the card text.</param>
/// <param name="Findings">Bullet lines for the card detail: values with their dates.</param>
/// <param name="Missing">What could not be checked, said in the card.</param>
public sealed record CheckOutcome(
    bool Fires,
    Indicator? Indicator = null,
    IReadOnlyDictionary<string, string>? Values = null,
    ImmutableArray<string> Findings = default,
    ImmutableArray<string> Missing = default)
{
    public static readonly CheckOutcome Silent = new(false);
}
