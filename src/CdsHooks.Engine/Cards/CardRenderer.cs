using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Globalization;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// Turns findings into CDS Hooks cards: summary under 140 characters naming the drugs, markdown
/// detail with the patient facts used and those that could not be checked, evidence links,
/// override reasons with displays, and one-click substitutions.
/// </summary>
internal sealed class CardRenderer
{
    private readonly KnowledgeBase _knowledge;
    private readonly Func<string, Finding, bool, string> _fill;
    private readonly FrozenDictionary<string, NewOrder> _orders;

    /// <summary>Every rule's texts cut at their placeholders, by template text.</summary>
    private readonly FrozenDictionary<string, CardTemplate> _templates;

    /// <summary>The parts of each rule's card that depend on nothing but the knowledge, by rule id.
    /// Cards only ever read them (the serializer writes them out), so every card of a rule shares them.</summary>
    private readonly FrozenDictionary<string, RuleParts> _parts;

    public CardRenderer(KnowledgeBase knowledge)
    {
        _knowledge = knowledge;
        _fill = Fill;
        _orders = SuggestionBuilder.NewOrders(knowledge);
        _templates = knowledge.Rules
            .SelectMany(r => r.Suggestions.Select(s => s.Label).Append(r.SummaryTemplate).Append(r.DetailTemplate))
            .Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(t => t, CardTemplate.Parse, StringComparer.Ordinal);
        _parts = knowledge.Rules.ToFrozenDictionary(r => r.Id, Parts, StringComparer.Ordinal);
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

        var parts = _parts.TryGetValue(rule.Id, out var known) && ReferenceEquals(known.Rule, rule) ? known : Parts(rule);
        return new Card
        {
            Uuid = Guid.NewGuid().ToString(),
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

    public Card RenderFailure(RuleDefinition rule) => new()
    {
        Uuid = Guid.NewGuid().ToString(),
        Summary = Summary($"Check not completed: {rule.Title}. Review this order manually."),
        Detail = $"The check **{rule.Title}** (`{rule.Id}`) failed while evaluating this order, so its result is " +
                 "unknown: it is not a pass. The failure has been logged for the clinical informatics team. " +
                 "Please review the regimen against the source guidance yourself.",
        Indicator = "warning",
        Source = Source(rule),
        OverrideReasons = OverrideReasons(_knowledge.Manifest.OverrideReasons),
        Links = Links(rule.Evidence),
        Extension = new CardExtension { RuleId = rule.Id, KnowledgeVersion = _knowledge.Version },
    };

    /// <summary>A draft whose drug name conflicts between look-alikes (FDA DSC 2013, clinical-facts.md §3.0).</summary>
    public Card RenderUnidentified(IReadOnlyList<UnidentifiedOrder> orders)
    {
        _knowledge.Evidence.TryGetValue("fda-kadcyla-name-2013", out var fda);
        return new Card
        {
            Uuid = Guid.NewGuid().ToString(),
            Summary = "Drug on this order could not be identified safely: confirm brand and full generic name",
            Detail = string.Concat(orders.Select(o => $"- The order {o.Reference ?? "in this session"} was not checked: {o.Problem}.\n")) + "\n" +
                     "Kadcyla (ado-trastuzumab emtansine), Enhertu (fam-trastuzumab deruxtecan) and Herceptin " +
                     "(trastuzumab) have different doses and must never be substituted for one another. " +
                     "Use both the brand and the full nonproprietary name on the order.",
            Indicator = "warning",
            Source = new CardSource { Label = fda?.Label ?? _knowledge.Manifest.Name, Url = fda?.Url, Topic = Topic(new CodeDisplay("drug-identity", "Drug identity")) },
            OverrideReasons = OverrideReasons(_knowledge.Manifest.OverrideReasons),
            Links = fda is null ? null : Links([fda]),
            Extension = new CardExtension { RuleId = "drug-identity", KnowledgeVersion = _knowledge.Version },
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

    /// <summary>Fills {role} with the distinct drug names bound to it and {check.x} with check values.</summary>
    internal string Fill(string template, Finding finding, bool forSummary = false)
    {
        var parsed = Template(template);
        var text = new DefaultInterpolatedStringHandler(template.Length, parsed.Slots.Length, null, stackalloc char[256]);
        for (var i = 0; i < parsed.Slots.Length; i++)
        {
            text.AppendLiteral(parsed.Literals[i]);
            text.AppendLiteral(Value(parsed.Slots[i], finding, forSummary));
        }

        text.AppendLiteral(parsed.Literals[^1]);
        return text.ToStringAndClear();
    }

    private void Fill(ref DefaultInterpolatedStringHandler text, string template, Finding finding)
    {
        var parsed = Template(template);
        for (var i = 0; i < parsed.Slots.Length; i++)
        {
            text.AppendLiteral(parsed.Literals[i]);
            text.AppendLiteral(Value(parsed.Slots[i], finding, forSummary: false));
        }

        text.AppendLiteral(parsed.Literals[^1]);
    }

    private CardTemplate Template(string template) =>
        _templates.TryGetValue(template, out var parsed) ? parsed : CardTemplate.Parse(template);

    private static string Value(CardTemplate.Slot slot, Finding finding, bool forSummary)
    {
        if (slot.Check is not null)
        {
            return finding.Check?.Values?.GetValueOrDefault(slot.Check) ?? "(not available)";
        }

        if (!finding.Bindings.TryGetValue(slot.Key, out var items))
        {
            return slot.Text;
        }

        if (items.Length > 0 && items.All(i => string.Equals(i.Display, items[0].Display, StringComparison.Ordinal)))
        {
            return items[0].Display; // one drug, however many orders and administrations name it
        }

        var names = items.Select(i => i.Display).Distinct(StringComparer.Ordinal).ToList();
        if (forSummary && names.Count > 2)
        {
            return $"{names[0]} and {names.Count - 1} other drugs";
        }

        return names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
    }

    /// <remarks>Written into a pooled buffer (the interpolated-string handler rents and returns it):
    /// only the finished text is allocated, not a StringBuilder's growing chunks.</remarks>
    private string Detail(Finding finding)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[1024]);
        Fill(ref text, finding.Rule.DetailTemplate, finding);
        text.AppendLiteral("\n\n**Orders and medications considered**\n");
        foreach (var item in finding.Bindings.Values.SelectMany(i => i).Distinct())
        {
            text.AppendLiteral("- ");
            text.AppendLiteral(item.Display);
            text.AppendLiteral(": ");
            Describe(ref text, item);
            text.AppendLiteral("\n");
        }

        var check = finding.Check?.Findings.IsDefault == false ? finding.Check.Findings : [];
        if (finding.FactsUsed.Length + check.Length > 0)
        {
            text.AppendLiteral("\n**Patient data used**\n");
            Lines(ref text, finding.FactsUsed);
            Lines(ref text, check);
        }

        if (!finding.NotChecked.IsEmpty)
        {
            text.AppendLiteral("\n**Not checked (data missing)**\n");
            Lines(ref text, finding.NotChecked);
        }

        text.AppendLiteral("\n_Rule `");
        text.AppendLiteral(finding.Rule.Id);
        text.AppendLiteral("`, knowledge version ");
        text.AppendLiteral(_knowledge.Version);
        text.AppendLiteral(". Sources: ");
        for (var i = 0; i < finding.Rule.Sources.Length; i++)
        {
            text.AppendLiteral(i == 0 ? string.Empty : "; ");
            text.AppendLiteral(finding.Rule.Sources[i]);
        }

        text.AppendLiteral("._");
        return text.ToStringAndClear();
    }

    private static void Lines(ref DefaultInterpolatedStringHandler text, ImmutableArray<string> lines)
    {
        foreach (var line in lines)
        {
            text.AppendLiteral("- ");
            text.AppendLiteral(line);
            text.AppendLiteral("\n");
        }
    }

    /// <summary>"order being placed (MedicationRequest/d1; identified by RxNorm 1371041 (V2))".</summary>
    private static void Describe(ref DefaultInterpolatedStringHandler text, RegimenItem item)
    {
        text.AppendLiteral(item.Origin switch
        {
            Origin.Draft => item.IsFocus ? "order being placed" : "other order in this session",
            Origin.Active => "current therapy",
            _ => "past therapy",
        });
        if (item.Origin != Origin.Draft && item.Start is { } start)
        {
            text.AppendLiteral(" since ");
            text.AppendFormatted(start, "yyyy-MM-dd"); // the handler formats with the invariant culture, like ClinicalRecords.Day
        }

        text.AppendLiteral(" (");
        text.AppendLiteral(item.ResourceType);
        if (item.ResourceId is not null)
        {
            text.AppendLiteral("/");
            text.AppendLiteral(item.ResourceId);
        }

        text.AppendLiteral("; identified by ");
        for (var i = 0; i < item.Matches.Length; i++)
        {
            var match = item.Matches[i];
            text.AppendLiteral(i == 0 ? string.Empty : ", ");
            text.AppendLiteral(match.Evidence);
            if (match.Verification != "text")
            {
                text.AppendLiteral(" (");
                text.AppendLiteral(match.Verification);
                text.AppendLiteral(")");
            }
        }

        text.AppendLiteral(")");
    }

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
