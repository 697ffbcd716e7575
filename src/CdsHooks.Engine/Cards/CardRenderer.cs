using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// Turns findings into CDS Hooks cards: summary under 140 characters naming the drugs, markdown
/// detail with the patient facts used and those that could not be checked, evidence links,
/// override reasons with displays, and one-click substitutions.
/// </summary>
internal sealed partial class CardRenderer(KnowledgeBase knowledge)
{
    [GeneratedRegex(@"\{([a-zA-Z0-9_.-]+)\}")]
    private static partial Regex Placeholder();

    public Card Render(Finding finding, EvaluationInput input)
    {
        var rule = finding.Rule;
        var suggestions = rule.Suggestions
            .Select(s => SuggestionBuilder.Build(s, finding, input, knowledge, Fill))
            .OfType<Suggestion>()
            .ToList();

        return new Card
        {
            Uuid = Guid.NewGuid().ToString(),
            Summary = Summary(Fill(rule.SummaryTemplate, finding, forSummary: true)),
            Detail = Detail(finding),
            Indicator = IndicatorName(finding.Indicator),
            Source = Source(rule),
            Suggestions = suggestions.Count == 0 ? null : suggestions,
            SelectionBehavior = suggestions.Count == 0 ? null : "at-most-one",
            OverrideReasons = OverrideReasons(rule.OverrideReasons),
            Links = Links(rule.Evidence),
            Extension = new CardExtension { RuleId = rule.Id, KnowledgeVersion = knowledge.Version },
        };
    }

    public Card RenderFailure(RuleDefinition rule) => new()
    {
        Uuid = Guid.NewGuid().ToString(),
        Summary = Summary($"Check not completed: {rule.Title}. Review this order manually."),
        Detail = $"The check **{rule.Title}** (`{rule.Id}`) failed while evaluating this order, so its result is " +
                 "unknown: it is not a pass. The failure has been logged for the clinical informatics team. " +
                 "Please review the regimen against the source guidance yourself.",
        Indicator = "warning",
        Source = Source(rule),
        OverrideReasons = OverrideReasons(knowledge.Manifest.OverrideReasons),
        Links = Links(rule.Evidence),
        Extension = new CardExtension { RuleId = rule.Id, KnowledgeVersion = knowledge.Version },
    };

    /// <summary>A draft whose drug name conflicts between look-alikes (FDA DSC 2013, clinical-facts.md §3.0).</summary>
    public Card RenderUnidentified(IReadOnlyList<UnidentifiedOrder> orders)
    {
        knowledge.Evidence.TryGetValue("fda-kadcyla-name-2013", out var fda);
        return new Card
        {
            Uuid = Guid.NewGuid().ToString(),
            Summary = "Drug on this order could not be identified safely: confirm brand and full generic name",
            Detail = string.Concat(orders.Select(o => $"- The order {o.Reference ?? "in this session"} was not checked: {o.Problem}.\n")) + "\n" +
                     "Kadcyla (ado-trastuzumab emtansine), Enhertu (fam-trastuzumab deruxtecan) and Herceptin " +
                     "(trastuzumab) have different doses and must never be substituted for one another. " +
                     "Use both the brand and the full nonproprietary name on the order.",
            Indicator = "warning",
            Source = new CardSource { Label = fda?.Label ?? knowledge.Manifest.Name, Url = fda?.Url, Topic = Topic(new CodeDisplay("drug-identity", "Drug identity")) },
            OverrideReasons = OverrideReasons(knowledge.Manifest.OverrideReasons),
            Links = fda is null ? null : Links([fda]),
            Extension = new CardExtension { RuleId = "drug-identity", KnowledgeVersion = knowledge.Version },
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
    internal string Fill(string template, Finding finding, bool forSummary = false) =>
        Placeholder().Replace(template, m =>
        {
            var key = m.Groups[1].Value;
            if (key.StartsWith("check.", StringComparison.Ordinal))
            {
                return finding.Check?.Values?.GetValueOrDefault(key["check.".Length..]) ?? "(not available)";
            }

            if (!finding.Bindings.TryGetValue(key, out var items))
            {
                return m.Value;
            }

            var names = items.Select(i => i.Display).Distinct(StringComparer.Ordinal).ToList();
            if (forSummary && names.Count > 2)
            {
                return $"{names[0]} and {names.Count - 1} other drugs";
            }

            return names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
        });

    private string Detail(Finding finding)
    {
        var text = new StringBuilder(Fill(finding.Rule.DetailTemplate, finding));
        text.Append("\n\n**Orders and medications considered**\n");
        foreach (var item in finding.Bindings.Values.SelectMany(i => i).Distinct())
        {
            text.Append("- ").Append(item.Display).Append(": ").Append(Describe(item)).Append('\n');
        }

        var used = finding.FactsUsed.Concat(finding.Check?.Findings.IsDefault == false ? finding.Check.Findings : []).ToList();
        if (used.Count > 0)
        {
            text.Append("\n**Patient data used**\n");
            foreach (var line in used)
            {
                text.Append("- ").Append(line).Append('\n');
            }
        }

        if (!finding.NotChecked.IsEmpty)
        {
            text.Append("\n**Not checked (data missing)**\n");
            foreach (var line in finding.NotChecked)
            {
                text.Append("- ").Append(line).Append('\n');
            }
        }

        text.Append("\n_Rule `").Append(finding.Rule.Id).Append("`, knowledge version ").Append(knowledge.Version)
            .Append(". Sources: ").Append(string.Join("; ", finding.Rule.Sources)).Append("._");
        return text.ToString();
    }

    private static string Describe(RegimenItem item)
    {
        var origin = item.Origin switch
        {
            Origin.Draft => item.IsFocus ? "order being placed" : "other order in this session",
            Origin.Active => "current therapy",
            _ => "past therapy",
        };
        var when = item.Origin == Origin.Draft || item.Start is null
            ? string.Empty
            : " since " + Patients.ClinicalRecords.Day(item.Start);
        var how = string.Join(", ", item.Matches.Select(m => m.Verification == "text" ? m.Evidence : $"{m.Evidence} ({m.Verification})"));
        return $"{origin}{when} ({item.Reference ?? item.ResourceType}; identified by {how})";
    }

    private CardSource Source(RuleDefinition rule) => new()
    {
        Label = rule.PrimaryEvidence?.Label ?? knowledge.Manifest.Name,
        Url = rule.PrimaryEvidence?.Url,
        Topic = Topic(rule.Topic),
    };

    private CdsCoding Topic(CodeDisplay topic) =>
        new() { System = knowledge.Manifest.TopicSystem, Code = topic.Code, Display = topic.Display };

    private IReadOnlyList<CdsCoding>? OverrideReasons(ImmutableArray<CodeDisplay> reasons) =>
        reasons.IsDefaultOrEmpty
            ? null
            : reasons.Select(r => new CdsCoding { System = knowledge.Manifest.OverrideReasonSystem, Code = r.Code, Display = r.Display }).ToList();

    private static List<CdsLink>? Links(IEnumerable<Evidence> evidence)
    {
        var links = evidence.Where(e => e.Url is not null)
            .Select(e => new CdsLink { Label = e.Label, Url = e.Url!, Type = "absolute" })
            .ToList();
        return links.Count == 0 ? null : links;
    }
}
