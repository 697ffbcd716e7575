using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// Turns findings into CDS Hooks cards: summary under 140 characters naming the drugs, markdown
/// detail with the patient facts used and those that could not be checked, evidence links,
/// override reasons with displays, and one-click substitutions.
/// </summary>
internal sealed partial class CardRenderer
{
    private readonly KnowledgeBase _knowledge;
    private readonly Func<string, Finding, bool, string> _fill;
    private readonly FrozenDictionary<string, NewOrder> _orders;

    /// <summary>Every rule's texts cut at their placeholders, by template text.</summary>
    private readonly FrozenDictionary<string, CardTemplate> _templates;

    /// <summary>The parts of each rule's card that depend on nothing but the knowledge, by rule id.
    /// Cards only ever read them (the serializer writes them out), so every card of a rule shares them.</summary>
    private readonly FrozenDictionary<string, RuleParts> _parts;

    /// <summary>The manifest's override reasons, offered on cards that are not a rule's own finding
    /// (a check that failed, a drug that could not be identified); shared like <see cref="_parts"/>.</summary>
    private readonly IReadOnlyList<CdsCoding>? _manifestOverrideReasons;

    /// <summary>The fixed parts of the unidentified-drug card, which depend on the knowledge only.</summary>
    private readonly (CardSource Source, List<CdsLink>? Links, CardExtension Extension) _unidentified;

    /// <summary>The last line of the cards that are not a rule's own finding: every card's detail names the knowledge
    /// version it was judged with (a rule's card says it in its closing line, <see cref="Detail"/>), so that a
    /// clinician's screenshot tells which knowledge roll-out said it.</summary>
    private readonly string _knowledgeLine;

    public CardRenderer(KnowledgeBase knowledge)
    {
        _knowledge = knowledge;
        _knowledgeLine = $"\n\n_Knowledge base {knowledge.Version}._";
        _fill = Fill;
        _orders = SuggestionBuilder.NewOrders(knowledge);
        _templates = knowledge.Rules
            .SelectMany(r => r.Suggestions.Select(s => s.Label).Append(r.SummaryTemplate).Append(r.DetailTemplate))
            .Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(t => t, CardTemplate.Parse, StringComparer.Ordinal);
        _parts = knowledge.Rules.ToFrozenDictionary(r => r.Id, Parts, StringComparer.Ordinal);
        _manifestOverrideReasons = OverrideReasons(knowledge.Manifest.OverrideReasons);
        knowledge.Evidence.TryGetValue("fda-kadcyla-name-2013", out var fda);
        _unidentified = (
            new CardSource { Label = fda?.Label ?? knowledge.Manifest.Name, Url = fda?.Url, Topic = Topic(new CodeDisplay("drug-identity", "Drug identity")) },
            fda is null ? null : Links([fda]),
            new CardExtension { RuleId = "drug-identity", KnowledgeVersion = knowledge.Version });
    }

    public Card Render(Finding finding, EvaluationInput input)
    {
        var rule = finding.Rule;
        List<Suggestion>? suggestions = null;
        foreach (var definition in rule.Suggestions)
        {
            if (SuggestionBuilder.Build(definition, finding, input, _orders, _fill) is { } suggestion)
            {
                (suggestions ??= []).Add(suggestion);
            }
        }

        var parts = PartsOf(rule);
        return new Card
        {
            Uuid = CardUuid.New(),
            Summary = Summary(Fill(rule.SummaryTemplate, finding, forSummary: true)),
            Detail = Detail(finding),
            Indicator = IndicatorName(finding.Indicator),
            Source = parts.Source,
            Suggestions = suggestions,
            SelectionBehavior = suggestions is null ? null : "at-most-one",
            OverrideReasons = parts.OverrideReasons,
            Links = parts.Links,
            Extension = parts.Extension,
        };
    }

    private sealed record RuleParts(
        RuleDefinition Rule, CardSource Source, IReadOnlyList<CdsCoding>? OverrideReasons, List<CdsLink>? Links, CardExtension Extension);

    private RuleParts Parts(RuleDefinition rule) => new(
        rule,
        Source(rule),
        OverrideReasons(rule.OverrideReasons),
        Links(rule.Evidence),
        new CardExtension { RuleId = rule.Id, KnowledgeVersion = _knowledge.Version });

    /// <summary>The rule's shared parts; a rule that is not this knowledge's own (tests) gets parts of its own.</summary>
    private RuleParts PartsOf(RuleDefinition rule) =>
        _parts.TryGetValue(rule.Id, out var known) && ReferenceEquals(known.Rule, rule) ? known : Parts(rule);

    /// <summary>Same source, links and extension as the rule's own cards, with the manifest's override reasons.</summary>
    public Card RenderFailure(RuleDefinition rule)
    {
        var parts = PartsOf(rule);
        return new Card
        {
            Uuid = CardUuid.New(),
            Summary = Summary($"Check not completed: {rule.Title}. Review this order manually."),
            Detail = $"The check **{rule.Title}** (`{rule.Id}`) failed while evaluating this order, so its result is " +
                     "unknown: it is not a pass. The failure has been logged for the clinical informatics team. " +
                     "Please review the regimen against the source guidance yourself." + _knowledgeLine,
            Indicator = "warning",
            Source = parts.Source,
            OverrideReasons = _manifestOverrideReasons,
            Links = parts.Links,
            Extension = parts.Extension,
        };
    }

    /// <summary>A draft whose drug name conflicts between look-alikes (FDA DSC 2013, clinical-facts.md §3.0).
    /// <paramref name="heldBack"/>: rules that fire only when a drug is absent, which the unidentified drafts
    /// leave unknown (issue 14): the card names them as not checked instead of their suggestions being offered.</summary>
    public Card RenderUnidentified(IReadOnlyList<UnidentifiedOrder> orders, IReadOnlyList<RuleDefinition> heldBack)
    {
        var notChecked = heldBack.Count == 0
            ? string.Empty
            : "**Not checked** while this drug is unknown (each depends on a drug being absent, and the order above " +
              "could be that drug):\n" + string.Concat(heldBack.Select(r => $"- {r.Title} (`{r.Id}`)\n")) + "\n";
        return new Card
        {
            Uuid = CardUuid.New(),
            Summary = "Drug on this order could not be identified safely: confirm brand and full generic name",
            Detail = string.Concat(orders.Select(o => $"- The order {o.Reference ?? "in this session"} was not checked: {o.Problem}.\n")) + "\n" +
                     notChecked +
                     "Kadcyla (ado-trastuzumab emtansine), Enhertu (fam-trastuzumab deruxtecan) and Herceptin " +
                     "(trastuzumab) have different doses and must never be substituted for one another. " +
                     "Use both the brand and the full nonproprietary name on the order." + _knowledgeLine,
            Indicator = "warning",
            Source = _unidentified.Source,
            OverrideReasons = _manifestOverrideReasons,
            Links = _unidentified.Links,
            Extension = _unidentified.Extension,
        };
    }

    internal static string IndicatorName(Indicator indicator) => indicator switch
    {
        Indicator.Critical => "critical",
        Indicator.Warning => "warning",
        _ => "info",
    };

    private static string Summary(string text) =>
        text.Length <= KnowledgeLoader.MaxSummaryLength ? text : text[..(KnowledgeLoader.MaxSummaryLength - 1)].TrimEnd() + "…";

    private CardSource Source(RuleDefinition rule) => new()
    {
        Label = rule.PrimaryEvidence?.Label ?? _knowledge.Manifest.Name,
        Url = rule.PrimaryEvidence?.Url,
        Topic = Topic(rule.Topic),
    };

    private CdsCoding Topic(CodeDisplay topic) =>
        new() { System = _knowledge.Manifest.TopicSystem, Code = topic.Code, Display = topic.Display };

    private IReadOnlyList<CdsCoding>? OverrideReasons(ImmutableArray<CodeDisplay> reasons) =>
        reasons.IsDefaultOrEmpty
            ? null
            : reasons.Select(r => new CdsCoding { System = _knowledge.Manifest.OverrideReasonSystem, Code = r.Code, Display = r.Display }).ToList();

    private static List<CdsLink>? Links(IEnumerable<Evidence> evidence)
    {
        var links = evidence.Where(e => e.Url is not null)
            .Select(e => new CdsLink { Label = e.Label, Url = e.Url!, Type = "absolute" })
            .ToList();
        return links.Count == 0 ? null : links;
    }
}
