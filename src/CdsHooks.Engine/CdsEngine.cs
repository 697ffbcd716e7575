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

    public CdsEngine(KnowledgeBase knowledge, EngineOptions options, TimeProvider time)
        : this(knowledge, options, time, [])
    {
    }

    /// <summary>For tests: extra checks beside the built-in ones (e.g. one that throws).</summary>
    internal CdsEngine(KnowledgeBase knowledge, EngineOptions options, TimeProvider time, IEnumerable<IRuleCheck> extraChecks)
    {
        Knowledge = knowledge;
        Options = options;
        _time = time;
        _renderer = new CardRenderer(knowledge);
        _checks = BuiltInChecks.All.Concat(extraChecks).ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public KnowledgeBase Knowledge { get; }
    public EngineOptions Options { get; }

    /// <summary>Loads cds-cards/ and builds the engine; throws <see cref="KnowledgeException"/> on bad knowledge.</summary>
    public static CdsEngine Load(string knowledgeFolder, EngineOptions options, TimeProvider time) =>
        new(KnowledgeLoader.Load(knowledgeFolder, BuiltInChecks.Names), options, time);

    public EvaluationResult Evaluate(EvaluationInput input)
    {
        var started = Stopwatch.GetTimestamp();
        var now = _time.GetUtcNow(); // one "now" for the whole evaluation
        var regimen = RegimenBuilder.Build(input, Knowledge.Concepts, Options, now);
        var facts = PatientFactsBuilder.Build(input, regimen, now);
        var context = new RuleContext(input, regimen, facts, Options, now);

        var cards = new List<Card>();
        var fired = ImmutableArray.CreateBuilder<string>();
        ImmutableArray<RuleFailure>.Builder? failures = null; // made only when a rule throws

        List<RuleDefinition>? heldBack = null; // rules whose absence an unidentified draft leaves unknown
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

                    cards.Add(_renderer.Render(finding, input));
                    fired.Add(rule.Id);
                }
            }
#pragma warning disable CA1031 // isolation is the point: a failing rule must not stop the others
            catch (Exception ex)
#pragma warning restore CA1031
            {
                (failures ??= ImmutableArray.CreateBuilder<RuleFailure>()).Add(new RuleFailure(rule, ex));
                cards.Add(_renderer.RenderFailure(rule));
            }
        }

        if (IdentityCardOrders(regimen, heldBack) is { } unidentified)
        {
            // One card for all: never the same message twice. First, as it was before the rules' cards.
            cards.Insert(0, _renderer.RenderUnidentified(unidentified, heldBack ?? []));
            fired.Insert(0, "drug-identity");
        }

        MostUrgentFirst(cards);
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
