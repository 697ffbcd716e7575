using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

public enum Indicator
{
    Info,
    Warning,
    Critical,
}

/// <summary>A role in a rule: "the ADC", "the endocrine drug". Matches regimen items by concept or class.</summary>
public sealed record DrugRole(
    string Name,
    FrozenSet<string> Concepts,
    FrozenSet<string> Classes,
    ImmutableArray<Origin> In,
    bool Focus,
    bool RecentAdministrations = true);

public sealed record PatientConditions(
    string? Her2,
    string? HormoneReceptor,
    bool? Metastatic,
    string? LineOfTherapy,
    bool? Visceral,
    string? OnFormulary,
    string? ProgressedOn,
    bool FireWhenUnknown)
{
    public static readonly PatientConditions None = new(null, null, null, null, null, null, null, false);
}

public sealed record SuggestionDefinition(
    string Id,
    string Label,
    bool Recommended,
    string? Replace,
    string? Remove,
    ImmutableArray<string> With,
    ImmutableArray<string> Add);

public sealed record RuleDefinition(
    string Id,
    string Title,
    Indicator Indicator,
    ImmutableArray<string> Sources,
    ImmutableArray<Evidence> Evidence,
    Evidence? PrimaryEvidence,
    CodeDisplay Topic,
    ImmutableArray<DrugRole> Drugs,
    ImmutableArray<DrugRole> Absent,
    PatientConditions Patient,
    FrozenDictionary<string, decimal> Parameters,
    string? Check,
    string SummaryTemplate,
    string DetailTemplate,
    ImmutableArray<SuggestionDefinition> Suggestions,
    ImmutableArray<CodeDisplay> OverrideReasons,
    string File);
