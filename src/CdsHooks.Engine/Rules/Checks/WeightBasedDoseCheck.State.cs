using System.Collections.Immutable;
using System.Diagnostics;
using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Rules.Checks.CheckSupport;

namespace CdsHooks.Engine.Rules.Checks;

// The assessment of each draft: its dose in mg/kg (as ordered or from the weight), its schedule, and an excessive dose
// read against the other HER2 drugs' doses.
internal sealed partial class WeightBasedDoseCheck
{
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
