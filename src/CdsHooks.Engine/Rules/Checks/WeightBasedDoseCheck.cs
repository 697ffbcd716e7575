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
internal sealed class WeightBasedDoseCheck : IRuleCheck
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

    /// <summary>What one evaluation learnt, across the drafts of the rule. Without text
    /// (<paramref name="withText"/> false), the same problems are found but Findings, Missing and MgPerKg
    /// are not written: they are only read when a problem is found.</summary>
    private sealed class State(RuleDefinition rule, RuleContext context, bool withText)
    {
        private readonly Measurement? _weight = context.Facts.Weight is { Value: > 0 } w ? w : null;

        public List<Problem> Problems { get; } = [];
        public List<string> Findings { get; } = [];
        public List<string> Missing { get; } = [];
        public string? Dose { get; private set; }
        public string? MgPerKg { get; private set; }
        public string? Schedule { get; private set; }

        public string Weight => _weight is null
            ? WeightMissing
            : $"{Kg(_weight.Value)} kg on {Day(_weight.Date)}";

        /// <summary>Weights are shown to 0.1 kg (154.3 lb is "70 kg", not "69.99 kg"); sums use the exact value.</summary>
        private static string Kg(decimal kg) => Number(Math.Round(kg, 1, MidpointRounding.AwayFromZero));

        private string WeightMissing => context.Input.Data.IsAvailable(DataKind.Observations)
            ? "no body weight on record"
            : "body weight could not be obtained from the EHR";

        public void Assess(RegimenItem draft, MedicationRequest order)
        {
            var doses = OrderedDoseReader.Doses(order);
            if (doses.Count == 0)
            {
                return; // order-select: the dose is often filled in later; order-sign will see it
            }

            var reference = draft.Reference ?? "the draft order";
            foreach (var dose in doses)
            {
                Dose ??= dose.Text;
                if (withText)
                {
                    Findings.Add($"Dose ordered: {dose.Text} ({reference})");
                }

                if (PerKg(dose) is { } perKg)
                {
                    Judge(perKg, dose);
                }
            }

            var schedules = OrderedDoseReader.Schedules(order);
            if (schedules.Count == 0 && withText)
            {
                Missing.Add($"schedule: no structured timing on {reference}");
            }

            var interval = Param(rule, IntervalDays);
            foreach (var schedule in schedules)
            {
                Schedule ??= schedule.Text;
                if (withText)
                {
                    Findings.Add($"Schedule ordered: {schedule.Text} ({reference})");
                }

                if (schedule.IntervalDays != interval)
                {
                    Problems.Add(new Problem(Indicator.Warning,
                        $"{schedule.Text} is not the label schedule (every {Number(interval)} days)",
                        $"**Schedule {schedule.Text}**: the label gives {draft.Display} every {Number(interval)} days (every 3 weeks)."));
                }
            }
        }

        /// <summary>The dose in mg/kg as ordered or as calculated; null (and a problem) when it cannot be.</summary>
        private decimal? PerKg(OrderedDose dose)
        {
            var unit = Units.Key(dose.Unit);
            decimal? mg = unit switch { "mg" => dose.Value, "g" => dose.Value * 1000m, _ => null };
            if (unit == "mg/kg")
            {
                if (_weight is not null && withText)
                {
                    Findings.Add($"Body weight {Kg(_weight.Value)} kg on {Day(_weight.Date)} ({_weight.Source}): " +
                                 $"{dose.Text} is {Number(Math.Round(dose.Value * _weight.Value, 0, MidpointRounding.AwayFromZero))} mg");
                }

                return dose.Value;
            }

            if (mg is null)
            {
                Problems.Add(new Problem(Indicator.Info,
                    $"dose unit of {dose.Text} not understood: dose not checked",
                    $"**Dose not checked**: the unit of {dose.Text} is not mg/kg, mg or g."));
                return null;
            }

            if (_weight is null)
            {
                Problems.Add(new Problem(Indicator.Info,
                    $"dose of {dose.Text} could not be checked: {WeightMissing}",
                    $"**Dose not checked**: {dose.Text} cannot be compared with the mg/kg limit: {WeightMissing}. Record the weight and re-check."));
                if (withText)
                {
                    Missing.Add("body weight: " + WeightMissing);
                }

                return null;
            }

            var exact = mg.Value / _weight.Value;
            if (withText)
            {
                Findings.Add($"Body weight {Kg(_weight.Value)} kg on {Day(_weight.Date)} ({_weight.Source})");
                Findings.Add($"Dose per kg: {Number(mg.Value)} mg ÷ {Kg(_weight.Value)} kg = {Number(Math.Round(exact, 3, MidpointRounding.AwayFromZero))} mg/kg");
            }

            return exact;
        }

        private void Judge(decimal exact, OrderedDose dose)
        {
            var precision = Param(rule, Precision);
            var perKg = precision > 0 ? Math.Round(exact / precision, 0, MidpointRounding.AwayFromZero) * precision : exact;
            if (withText)
            {
                MgPerKg ??= $"{Number(perKg)} mg/kg";
            }

            var max = Param(rule, Max);
            var lowest = Param(rule, Lowest);
            if (perKg > max)
            {
                var (hint, line) = MixUp(perKg);
                Problems.Add(new Problem(Indicator.Critical,
                    $"{Number(perKg)} mg/kg is above the {Number(max)} mg/kg maximum{hint}",
                    $"**{dose.Text} = {Number(perKg)} mg/kg, above the maximum of {Number(max)} mg/kg.** {line}".TrimEnd()));
            }
            else if (perKg < lowest)
            {
                Problems.Add(new Problem(Indicator.Warning,
                    $"{Number(perKg)} mg/kg is below the lowest label dose level ({Number(lowest)} mg/kg)",
                    $"**{dose.Text} = {Number(perKg)} mg/kg, below the lowest label dose level of {Number(lowest)} mg/kg.** " +
                    $"The label stops the drug when a reduction below {Number(lowest)} mg/kg would be needed."));
            }
        }

        /// <summary>Whether an excessive dose matches another HER2 drug's dose (FDA 2013, IMSN 2014).</summary>
        private (string Hint, string Line) MixUp(decimal perKg)
        {
            decimal tMin = Param(rule, TrastuzumabMin), tMax = Param(rule, TrastuzumabMax);
            decimal dMin = Param(rule, TdxdMin), dMax = Param(rule, TdxdMax);
            if (perKg >= tMin && perKg <= tMax)
            {
                return (" (a trastuzumab dose?)",
                    $"This is a trastuzumab (Herceptin) dose ({Number(tMin)}–{Number(tMax)} mg/kg every 3 weeks): check that Kadcyla was not confused with trastuzumab.");
            }

            if (perKg >= dMin && perKg <= dMax)
            {
                return (" (a T-DXd dose?)",
                    $"This is a fam-trastuzumab deruxtecan (Enhertu) dose ({Number(dMin)}–{Number(dMax)} mg/kg): check that Kadcyla was not confused with Enhertu.");
            }

            return (string.Empty, string.Empty);
        }
    }
}
