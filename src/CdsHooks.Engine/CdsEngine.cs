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

        if (FocusUnidentified(regimen.Unidentified) is { } unidentified)
        {
            cards.Add(_renderer.RenderUnidentified(unidentified)); // one card for all: never the same message twice
            fired.Add("drug-identity");
        }

        foreach (var rule in Knowledge.Rules)
        {
            try
            {
                if (RuleEvaluator.Evaluate(rule, context, _checks) is { } finding)
                {
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

        MostUrgentFirst(cards);
        return new EvaluationResult(cards, fired.ToImmutable(), failures?.ToImmutable() ?? [], Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The unidentified orders among the ones being decided on, or null when there is none
    /// (the usual case: no list is made).</summary>
    private static List<UnidentifiedOrder>? FocusUnidentified(ImmutableArray<UnidentifiedOrder> orders)
    {
        List<UnidentifiedOrder>? focus = null;
        foreach (var order in orders)
        {
            if (order.IsFocus)
            {
                (focus ??= []).Add(order);
            }
        }

        return focus;
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
