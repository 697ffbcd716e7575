using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Knowledge;

/// <summary>Everything in cds-cards/, parsed and validated once at start-up; immutable and shared.</summary>
public sealed class KnowledgeBase
{
    internal KnowledgeBase(
        KnowledgeManifest manifest,
        ConceptMap concepts,
        FrozenDictionary<string, Evidence> evidence,
        FrozenDictionary<string, OrderTemplate> orderTemplates,
        ImmutableArray<RuleDefinition> rules)
    {
        Manifest = manifest;
        Concepts = concepts;
        Evidence = evidence;
        OrderTemplates = orderTemplates;
        Rules = rules;
    }

    public KnowledgeManifest Manifest { get; }
    public ConceptMap Concepts { get; }
    public FrozenDictionary<string, Evidence> Evidence { get; }
    public FrozenDictionary<string, OrderTemplate> OrderTemplates { get; }
    public ImmutableArray<RuleDefinition> Rules { get; }

    /// <summary>Manifest version plus a hash of every knowledge file: changes whenever any file does.</summary>
    public string Version => Manifest.Version;
}

public sealed record KnowledgeManifest(
    string Name,
    string Version,
    string Publisher,
    string TopicSystem,
    string OverrideReasonSystem,
    ImmutableArray<CodeDisplay> OverrideReasons);

public sealed record CodeDisplay(string Code, string Display);

public sealed record Evidence(string Id, string Label, string Citation, string? Url, string Verification, string? Finding);

public sealed record OrderTemplate(
    string Id,
    string ConceptId,
    string RxNormCode,
    string RxNormDisplay,
    string Text,
    string DosageText,
    string? Route,
    decimal? DoseValue,
    string? DoseUnit,
    int? EveryWeeks,
    int? EveryDays,
    string Source);
