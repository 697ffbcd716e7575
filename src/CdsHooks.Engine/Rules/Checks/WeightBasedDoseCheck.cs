using System.Collections.Immutable;
using System.Diagnostics;
using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Rules.Checks.CheckSupport;

namespace CdsHooks.Engine.Rules.Checks;

/// <summary>
/// Dose and schedule of a weight-dosed drug on the draft orders (rule tdm1-dose: Kadcyla PI, "do not
/// administer at doses greater than 3.6 mg/kg", every 3 weeks). Every number is a rule parameter.
/// </summary>
/// <remarks>
/// <para>A dose in mg/kg is used as written; a dose in mg (or g) is divided by the latest body weight.
/// Either is rounded to <c>mgPerKgPrecision</c> (0.1 mg/kg: the precision of the label doses), half
/// away from zero, before it is compared: 252 mg at 70 kg is 3.6 mg/kg and passes, 256 mg is 3.657,
/// read as 3.7, and fires. A weight measured to 0.1 kg cannot support more precision than that.</para>
/// <para>No structured dose on the draft: silent. order-select fires while the order is still being
/// filled in, and the order-sign call will see the dose. A dose in mg with no weight on record, or a
/// dose unit that is not understood: an info card saying the dose could not be checked (never a guess).</para>
/// </remarks>
internal sealed partial class WeightBasedDoseCheck : IRuleCheck
{
    private const string Max = "maxMgPerKg";
    private const string FirstReduction = "firstReductionMgPerKg";
    private const string Lowest = "secondReductionMgPerKg";
    private const string IntervalDays = "intervalDays";
    private const string Precision = "mgPerKgPrecision";
    private const string TrastuzumabMin = "trastuzumabLikeMinMgPerKg";
    private const string TrastuzumabMax = "trastuzumabLikeMaxMgPerKg";
    private const string TdxdMin = "tdxdLikeMinMgPerKg";
    private const string TdxdMax = "tdxdLikeMaxMgPerKg";

    public string Name => "weight-based-dose";

    public IReadOnlyList<string> Parameters { get; } =
        [Max, FirstReduction, Lowest, IntervalDays, Precision, TrastuzumabMin, TrastuzumabMax, TdxdMin, TdxdMax];

    public CheckOutcome Evaluate(RuleDefinition rule, IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> bindings, RuleContext context)
    {
        // Silent on most orders, and then the text of what was used goes nowhere: the first pass only
        // decides. When a problem is found, the same assessment runs again over the same drafts and
        // (immutable) facts, this time writing the text.
        var drafts = Drafts(bindings);
        var decision = Assess(rule, context, drafts, withText: false);
        if (decision.Problems.Count == 0)
        {
            return CheckOutcome.Silent;
        }

        var state = Assess(rule, context, drafts, withText: true);
        Debug.Assert(state.Problems.Select(p => p.Level).SequenceEqual(decision.Problems.Select(p => p.Level)), "both passes decide alike");

        state.Missing.AddRange(context.Facts.UnreadableMeasurements.Where(u => u.StartsWith(MeasurementCodes.Weight.Name, StringComparison.Ordinal)));
        var worst = state.Problems.MaxBy(p => p.Level)!;
        var values = ParameterValues(rule);
        values["summary"] = Short(worst.Summary, 105);
        values["assessment"] = string.Join("\n", state.Problems.Select(p => "- " + p.Line));
        values["dose"] = state.Dose ?? "not given";
        values["weight"] = state.Weight;
        values["mgPerKg"] = state.MgPerKg ?? "not calculated";
        values["schedule"] = state.Schedule ?? "not given";
        return new CheckOutcome(true, worst.Level, values, [.. state.Findings.Distinct()], [.. state.Missing.Distinct()]);
    }

    /// <summary>The focus drafts that are MedicationRequests, each once, in the order of the bindings.</summary>
    private static List<RegimenItem> Drafts(IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> bindings)
    {
        var drafts = new List<RegimenItem>();
        foreach (var items in bindings.Values)
        {
            foreach (var i in items)
            {
                if (i.Origin == Origin.Draft && i.IsFocus && i.Resource is MedicationRequest && !drafts.Contains(i))
                {
                    drafts.Add(i);
                }
            }
        }

        return drafts;
    }

    private static State Assess(RuleDefinition rule, RuleContext context, List<RegimenItem> drafts, bool withText)
    {
        var state = new State(rule, context, withText);
        foreach (var draft in drafts)
        {
            state.Assess(draft, (MedicationRequest)draft.Resource);
        }

        return state;
    }

    private sealed record Problem(Indicator Level, string Summary, string Line);
}
