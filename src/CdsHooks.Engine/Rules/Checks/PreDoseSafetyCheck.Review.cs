using CdsHooks.Engine.Patients;
using static CdsHooks.Engine.Rules.Checks.CheckSupport;

namespace CdsHooks.Engine.Rules.Checks;

internal sealed partial class PreDoseSafetyCheck
{
    /// <summary>One pass over the patient's facts: what is met, what was used, what is missing.
    /// Comparisons are strict where the label says "&lt;" or "&gt;": platelets 50,000 and ALT exactly
    /// 5 × ULN do not fire; LVEF 40% is not "&lt; 40%", and a fall of exactly 10 points is "≥ 10".
    /// Without text (<paramref name="withText"/> false), the same decisions are taken and the same problems
    /// found, but nothing is written to Findings or Missing: those are only read when a problem is found.</summary>
    private sealed partial class Review(RuleDefinition rule, RuleContext context, bool withText)
    {
        private readonly PatientFacts _facts = context.Facts;
        private readonly DateTimeOffset _since = context.Now.AddDays(-context.Options.RecentLabDays);
        private readonly List<string> _missingLabs = [];

        public List<Problem> Problems { get; } = [];
        public List<string> Findings { get; } = [];
        public List<string> Missing { get; } = [];

        private bool ObservationsObtained => context.Input.Data.IsAvailable(DataKind.Observations);

        public void LungDisease()
        {
            if (!context.Input.Data.IsAvailable(DataKind.Conditions))
            {
                Note(Missing, "history of interstitial lung disease or pneumonitis: diagnoses could not be obtained");
                return;
            }

            foreach (var d in _facts.LungDiseaseHistory)
            {
                if (withText)
                {
                    Findings.Add($"{d.Text}, {Day(d.Date)} ({d.Source})");
                }

                Problems.Add(new Problem(Indicator.Critical,
                    $"{d.Text} on record: permanently discontinue",
                    $"**{d.Text}** on record ({Day(d.Date)}; {d.Source}): interstitial lung disease or pneumonitis, **permanently discontinue**."));
            }
        }

        public void Platelets()
        {
            if (Recent(_facts.Platelets, "platelet count") is not { } m)
            {
                return;
            }

            if (withText)
            {
                Findings.Add(Describe(m));
            }

            decimal hold = Param(rule, P.PlateletsHold), reduce = Param(rule, P.PlateletsReduce);
            var value = $"{Number(m.Value)}/mm³";
            if (m.Value < reduce)
            {
                Problems.Add(new Problem(Indicator.Warning, $"platelets {value} (< {Number(reduce)}): hold, then reduce one level",
                    $"**Platelets {value}** on {Day(m.Date)}: below {Number(reduce)}/mm³ (Grade 4), **hold**, then reduce one dose level."));
            }
            else if (m.Value < hold)
            {
                Problems.Add(new Problem(Indicator.Warning, $"platelets {value} (< {Number(hold)}): hold this dose",
                    $"**Platelets {value}** on {Day(m.Date)}: below {Number(hold)}/mm³ (Grade 3), **hold**, then the same dose."));
            }
            else if (m.Value < Param(rule, P.PlateletsInitiationCaution))
            {
                InitiationCaution(m, value);
            }
        }

        /// <summary>T-DM1 was not studied in patients with platelets below 100,000/mm³ at initiation
        /// (clinical-facts.md §3.6, V1: "useful as 'caution' rules, not hard stops"). A caution, never a hold
        /// (the label holds only below 50,000), and only before a first dose: once T-DM1 has been given
        /// (a current or past order, statement or administration), the label's thresholds alone apply.
        /// Medication history not obtained: a first dose cannot be ruled out, so the caution is given and
        /// says so (unknown is never "given before").</summary>
        private void InitiationCaution(Measurement m, string value)
        {
            var caution = Number(Param(rule, P.PlateletsInitiationCaution));
            if (GivenBefore())
            {
                return;
            }

            var historyKnown = context.Input.Data.MedicationHistoryAvailable;
            if (!historyKnown)
            {
                Note(Missing, "earlier T-DM1 doses: medication history could not be obtained");
            }

            var first = historyKnown ? "first T-DM1 dose" : "if this is the first T-DM1 dose";
            Problems.Add(new Problem(Indicator.Warning,
                $"platelets {value} (< {caution}) before a first dose: not studied, caution",
                $"**Platelets {value}** on {Day(m.Date)}, {first}: T-DM1 was not studied in patients with platelets below " +
                $"{caution}/mm³ at initiation. A caution, not a reason to hold: the label holds a dose only below " +
                $"{Number(Param(rule, P.PlateletsHold))}/mm³. Weigh the risk of thrombocytopenia and check platelets before each dose."));
        }

        /// <summary>Whether the drug of the rule's roles (T-DM1) is in the current or past therapy.</summary>
        private bool GivenBefore()
        {
            foreach (var item in context.Regimen.Items)
            {
                if (item.Origin == Origin.Draft)
                {
                    continue;
                }

                foreach (var role in rule.Drugs)
                {
                    if (role.Concepts.Overlaps(item.ConceptIds) || role.Classes.Overlaps(item.ClassIds))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        public void Lvef()
        {
            if (_facts.Lvef is not { } m)
            {
                Note(Missing, ObservationsObtained ? "LVEF: none on record" : "LVEF: observations could not be obtained");
                return;
            }

            if (withText)
            {
                Findings.Add(Describe(m));
            }

            decimal hold = Param(rule, P.LvefHold), top = Param(rule, P.LvefBandTop), fallLimit = Param(rule, P.LvefFall);
            var baseline = _facts.LvefBaseline;
            var fall = baseline is null ? (decimal?)null : baseline.Value - m.Value;
            if (baseline is not null && withText)
            {
                Findings.Add($"Baseline (earliest on record): {Describe(baseline)}; change {Number(-fall!.Value)} points");
            }

            if (m.Value < hold)
            {
                Problems.Add(new Problem(Indicator.Warning, $"LVEF {Number(m.Value)}% (< {Number(hold)}%): hold this dose",
                    $"**LVEF {Number(m.Value)}%** on {Day(m.Date)}: below {Number(hold)}%, **hold**."));
            }
            else if (m.Value <= top && fall is null)
            {
                Problems.Add(new Problem(Indicator.Info, $"LVEF {Number(m.Value)}% and no earlier value: fall from baseline unknown",
                    $"**LVEF {Number(m.Value)}%** on {Day(m.Date)} is {Number(hold)}–{Number(top)}% and no earlier LVEF is on record: " +
                    $"the dose is held if it fell by {Number(fallLimit)} points or more from baseline. Compare with the pre-treatment value."));
            }
            else if (m.Value <= top && fall >= fallLimit)
            {
                Problems.Add(new Problem(Indicator.Warning, $"LVEF {Number(m.Value)}%, {Number(fall.Value)} points below baseline: hold this dose",
                    $"**LVEF {Number(m.Value)}%** on {Day(m.Date)}: {Number(hold)}–{Number(top)}% and {Number(fall.Value)} points below the baseline of " +
                    $"{Number(baseline!.Value)}% ({Day(baseline.Date)}), a fall of {Number(fallLimit)} points or more, **hold**."));
            }
        }

        /// <summary>One info problem for every lab that must precede a dose and is not recent.</summary>
        public void MissingLabs()
        {
            if (_missingLabs.Count == 0)
            {
                return;
            }

            var days = Number(context.Options.RecentLabDays);
            var list = Or(_missingLabs);
            var (summary, line) = ObservationsObtained
                ? ($"no {list} in the last {days} days: check before this dose",
                   $"**No {list} within the last {days} days.** These are checked before every dose.")
                : ($"lab results could not be obtained: check {list} before this dose",
                   $"**Laboratory results could not be obtained from the EHR**, so platelets and liver tests were not checked. These are checked before every dose.");
            Problems.Add(new Problem(Indicator.Info, summary, line));
        }

        /// <summary>The value if it was taken within the window; otherwise null, and the reason is noted.</summary>
        private Measurement? Recent(Measurement? m, string? what)
        {
            if (m?.Date is { } date && date >= _since)
            {
                return m;
            }

            if (what is not null)
            {
                if (withText)
                {
                    Missing.Add(LabMissing(m, what));
                }

                _missingLabs.Add(what);
            }

            return null;
        }

        /// <summary>A fixed text, kept only when the review writes text.</summary>
        private void Note(List<string> list, string text)
        {
            if (withText)
            {
                list.Add(text);
            }
        }

        private string LabMissing(Measurement? m, string what) => m switch
        {
            null when !ObservationsObtained => $"{what}: laboratory results could not be obtained from the EHR",
            null => $"{what}: none on record",
            { Date: null } => $"{what}: latest result has no date ({m.Source})",
            _ => $"{what}: latest is from {Day(m.Date)} ({DaysAgo(m.Date!.Value, context.Now)} days ago), " +
                 $"older than {Number(context.Options.RecentLabDays)} days ({m.Source})",
        };
    }
}
