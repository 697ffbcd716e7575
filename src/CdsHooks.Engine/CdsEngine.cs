using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine;

/// <summary>What one evaluation produced; failures are also in <see cref="Cards"/> as warning cards.</summary>
public sealed record EvaluationResult(
    IReadOnlyList<Card> Cards,
    ImmutableArray<string> RulesFired,
    ImmutableArray<RuleFailure> Failures,
    TimeSpan Elapsed);

/// <summary>
/// The clinical engine: one instance per knowledge base, shared by all requests. Per call it maps
/// codes to concepts, builds the regimen and patient facts once, evaluates every rule in isolation
/// (one failing rule never hides the others), and renders the cards.
/// </summary>
public sealed class CdsEngine
{
    private readonly CardRenderer _renderer;
    private readonly FrozenDictionary<string, IRuleCheck> _checks;
    private readonly TimeProvider _time;

    /// <summary>The stages' spans (facts, rules, cards), when the host traces; null: none. The host names the source:
    /// the engine knows nothing of who reads its spans. <c>StartActivity</c> answers null while nobody listens.</summary>
    private readonly ActivitySource? _tracing;

    /// <summary>No rule matched (the usual case): nothing to render, and no list made for it.</summary>
    private static readonly List<(RuleDefinition Rule, Finding? Finding)> NothingFound = [];

    public CdsEngine(KnowledgeBase knowledge, EngineOptions options, TimeProvider time, ActivitySource? tracing = null)
        : this(knowledge, options, time, [], tracing)
    {
    }

    /// <summary>For tests: extra checks beside the built-in ones (e.g. one that throws).</summary>
    internal CdsEngine(KnowledgeBase knowledge, EngineOptions options, TimeProvider time, IEnumerable<IRuleCheck> extraChecks, ActivitySource? tracing = null)
    {
        Knowledge = knowledge;
        Options = options;
        _time = time;
        _tracing = tracing;
        _renderer = new CardRenderer(knowledge);
        _checks = BuiltInChecks.All.Concat(extraChecks).ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public KnowledgeBase Knowledge { get; }
    public EngineOptions Options { get; }

    /// <summary>Loads cds-cards/ and builds the engine; throws <see cref="KnowledgeException"/> on bad knowledge.</summary>
    public static CdsEngine Load(string knowledgeFolder, EngineOptions options, TimeProvider time, ActivitySource? tracing = null) =>
        new(KnowledgeLoader.Load(knowledgeFolder, BuiltInChecks.Names), options, time, tracing);

    /// <summary>Three stages, each a span when traced: facts (regimen and patient facts), rules (every rule in
    /// isolation), cards (rendering, most urgent first). Span tags carry counts, rule ids and the knowledge version,
    /// never a value from the patient's record.</summary>
    public EvaluationResult Evaluate(EvaluationInput input)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow(); // one "now" for the whole evaluation
        Regimen regimen;
        PatientFacts facts;
        using (var span = _tracing?.StartActivity("cds.facts"))
        {
            regimen = RegimenBuilder.Build(input, Knowledge.Concepts, Options, now);
            facts = PatientFactsBuilder.Build(input, regimen, now);
            span?.SetTag("cds.regimen.items", regimen.Items.Length);
            span?.SetTag("cds.regimen.unidentified", regimen.Unidentified.Length);
        }

        var context = new RuleContext(input, regimen, facts, Options, now);
        ImmutableArray<RuleFailure>.Builder? failures = null; // made only when a rule throws
        List<(RuleDefinition Rule, Finding? Finding)>? found = null; // a finding to render, or null: the rule threw
        List<RuleDefinition>? heldBack = null; // rules whose absence an unidentified draft leaves unknown
        using (var span = _tracing?.StartActivity("cds.rules"))
        {
            foreach (var rule in Knowledge.Rules)
            {
                try
                {
                    if (RuleEvaluator.Evaluate(rule, context, _checks) is { } finding)
                    {
                        if (finding.AbsenceUnknown)
                        {
                            (heldBack ??= []).Add(rule);
                            continue;
                        }

                        (found ??= []).Add((rule, finding));
                    }
                }
#pragma warning disable CA1031 // isolation is the point: a failing rule must not stop the others
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    (failures ??= ImmutableArray.CreateBuilder<RuleFailure>()).Add(new RuleFailure(rule, ex));
                    (found ??= []).Add((rule, null));
                }
            }

            span?.SetTag("cds.knowledge.version", Knowledge.Version);
            span?.SetTag("cds.rules.evaluated", Knowledge.Rules.Length);
            span?.SetTag("cds.rules.matched", found?.Count ?? 0);
            span?.SetTag("cds.rules.failed", failures?.Count ?? 0);
            if (failures is not null)
            {
                span?.SetStatus(ActivityStatusCode.Error, "a rule threw; its warning card says the check did not run");
            }
        }

        var cards = new List<Card>();
        var fired = ImmutableArray.CreateBuilder<string>();
        using (var span = _tracing?.StartActivity("cds.cards"))
        {
            foreach (var (rule, finding) in found ?? NothingFound)
            {
                try
                {
                    if (finding is not null)
                    {
                        cards.Add(_renderer.Render(finding, input));
                        fired.Add(rule.Id);
                        continue;
                    }
                }
#pragma warning disable CA1031 // a card that cannot be rendered is a failed check, as when the rule throws
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    (failures ??= ImmutableArray.CreateBuilder<RuleFailure>()).Add(new RuleFailure(rule, ex));
                }

                cards.Add(_renderer.RenderFailure(rule));
            }

            if (IdentityCardOrders(regimen, heldBack) is { } unidentified)
            {
                // One card for all: never the same message twice. First, as it was before the rules' cards.
                cards.Insert(0, _renderer.RenderUnidentified(unidentified, heldBack ?? []));
                fired.Insert(0, "drug-identity");
            }

            MostUrgentFirst(cards);
            if (span is not null)
            {
                span.SetTag("cds.cards", cards.Count);
                span.SetTag("cds.rules.fired", string.Join(',', fired));
            }
        }

        return new EvaluationResult(cards, fired.ToImmutable(), failures?.ToImmutable() ?? [], Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The unidentified drafts the drug-identity card names, or null when it has nothing to say (the
    /// usual case: no list is made). Every unidentified draft when one is being decided on (order-sign: all), when
    /// one left a rule's absence unknown, or when an order being decided on is a drug some rule judges: the
    /// unidentified draft could be its partner or its contraindication, so what the service can say about the
    /// selected order depends on it (issue 14: an unselected T-DM1 draft beside a selected tamoxifen).</summary>
    private List<UnidentifiedOrder>? IdentityCardOrders(Regimen regimen, List<RuleDefinition>? heldBack)
    {
        if (regimen.Unidentified.IsEmpty)
        {
            return null;
        }

        var show = heldBack is not null;
        foreach (var order in regimen.Unidentified)
        {
            show |= order.IsFocus;
        }

        if (!show)
        {
            foreach (var item in regimen.Items)
            {
                if (item.IsFocus && Knowledge.Rules.Any(r => r.Drugs.Any(item.Is) || r.Absent.Any(item.Is)))
                {
                    show = true;
                    break;
                }
            }
        }

        return show ? [.. regimen.Unidentified] : null;
    }

    /// <summary>Most urgent first, as EHRs display cards in order; cards of the same urgency keep the
    /// order of the rules (a stable insertion sort: there are rarely more than three cards).</summary>
    private static void MostUrgentFirst(List<Card> cards)
    {
        for (var i = 1; i < cards.Count; i++)
        {
            var card = cards[i];
            var rank = Rank(card.Indicator);
            var j = i - 1;
            while (j >= 0 && Rank(cards[j].Indicator) < rank)
            {
                cards[j + 1] = cards[j];
                j--;
            }

            cards[j + 1] = card;
        }
    }

    private static int Rank(string indicator) => indicator switch
    {
        "critical" => 2,
        "warning" => 1,
        _ => 0,
    };
}
