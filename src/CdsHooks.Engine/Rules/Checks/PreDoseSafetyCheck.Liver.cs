using CdsHooks.Engine.Patients;
using static CdsHooks.Engine.Rules.Checks.CheckSupport;

namespace CdsHooks.Engine.Rules.Checks;

internal sealed partial class PreDoseSafetyCheck
{
    /// <summary>Liver tests: transaminases and total bilirubin as multiples of the ULN, and their combination.</summary>
    private sealed partial class Review
    {
        public void Liver()
        {
            var alt = Recent(_facts.Alt, null);
            var ast = Recent(_facts.Ast, null);
            if (alt is null && ast is null)
            {
                if (withText)
                {
                    Missing.Add(LabMissing(_facts.Alt, "ALT"));
                    Missing.Add(LabMissing(_facts.Ast, "AST"));
                }

                _missingLabs.Add("AST/ALT");
            }

            var bilirubin = Recent(_facts.Bilirubin, "total bilirubin");
            var worstTransaminase = 0m;
            foreach (var (m, uln) in new[] { (alt, P.UlnAlt), (ast, P.UlnAst) })
            {
                if (m is not null)
                {
                    var (ratio, ulnText) = Ratio(m, Param(rule, uln));
                    worstTransaminase = Math.Max(worstTransaminase, ratio);
                    Transaminase(m, ratio, ulnText);
                }
            }

            if (bilirubin is null)
            {
                return;
            }

            var defaultUln = Param(rule, bilirubin.Unit == Units.MicromolPerLitre ? P.UlnBilirubinUmolL : P.UlnBilirubinMgDl);
            var (bili, biliUln) = Ratio(bilirubin, defaultUln);
            Bilirubin(bilirubin, bili, biliUln);
            decimal hyT = Param(rule, P.HyTransaminases), hyB = Param(rule, P.HyBilirubin);
            if (worstTransaminase > hyT && bili > hyB)
            {
                Problems.Add(new Problem(Indicator.Critical,
                    $"AST/ALT > {Number(hyT)}× ULN with bilirubin > {Number(hyB)}× ULN: permanently discontinue",
                    $"**AST/ALT {Times(worstTransaminase)} ULN with total bilirubin {Times(bili)} ULN** (> {Number(hyT)}× and > {Number(hyB)}× ULN): **permanently discontinue**."));
            }
        }

        private void Transaminase(Measurement m, decimal ratio, string uln)
        {
            if (withText)
            {
                Findings.Add($"{Describe(m)}: {Times(ratio)} ULN ({uln})");
            }

            decimal hold = Param(rule, P.TransaminasesHold), stop = Param(rule, P.TransaminasesStop);
            if (ratio > stop)
            {
                Problems.Add(new Problem(Indicator.Critical, $"{m.Name} {Times(ratio)} ULN (> {Number(stop)}×): permanently discontinue",
                    $"**{m.Name} {Number(m.Value)} {m.Unit}** on {Day(m.Date)}: {Times(ratio)} ULN, above {Number(stop)}× ULN (Grade 4), **permanently discontinue**."));
            }
            else if (ratio > hold)
            {
                Problems.Add(new Problem(Indicator.Warning, $"{m.Name} {Times(ratio)} ULN (> {Number(hold)}×): hold this dose",
                    $"**{m.Name} {Number(m.Value)} {m.Unit}** on {Day(m.Date)}: {Times(ratio)} ULN, above {Number(hold)}× ULN (Grade 3), **hold**, then reduce one dose level."));
            }
        }

        private void Bilirubin(Measurement m, decimal ratio, string uln)
        {
            if (withText)
            {
                Findings.Add($"{Describe(m)}: {Times(ratio)} ULN ({uln})");
            }

            decimal hold = Param(rule, P.BilirubinHold), reduce = Param(rule, P.BilirubinReduce), stop = Param(rule, P.BilirubinStop);
            if (ratio > stop)
            {
                Problems.Add(new Problem(Indicator.Critical, $"bilirubin {Times(ratio)} ULN (> {Number(stop)}×): permanently discontinue",
                    $"{Value()}, above {Number(stop)}× ULN (Grade 4), **permanently discontinue**."));
            }
            else if (ratio > reduce)
            {
                Problems.Add(new Problem(Indicator.Warning, $"bilirubin {Times(ratio)} ULN (> {Number(reduce)}×): hold, then reduce one level",
                    $"{Value()}, above {Number(reduce)}× ULN (Grade 3), **hold**, then reduce one dose level."));
            }
            else if (ratio > hold)
            {
                Problems.Add(new Problem(Indicator.Warning, $"bilirubin {Times(ratio)} ULN (> {Number(hold)}×): hold this dose",
                    $"{Value()}, above {Number(hold)}× ULN (Grade 2), **hold**, then the same dose."));
            }

            string Value() => $"**Total bilirubin {Number(m.Value)} {m.Unit}** on {Day(m.Date)}: {Times(ratio)} ULN";
        }

        /// <summary>Value ÷ ULN, with the words saying where the ULN came from (when the review writes text).</summary>
        private (decimal Ratio, string Uln) Ratio(Measurement m, decimal defaultUln)
        {
            var fromRange = m.UpperLimit is > 0;
            var uln = fromRange ? m.UpperLimit!.Value : defaultUln;
            var text = !withText ? string.Empty : fromRange
                ? $"ULN {Number(uln)} {m.Unit} from the result's reference range"
                : $"ULN {Number(uln)} {m.Unit}: local default, no reference range on the result";
            return (m.Value / uln, text);
        }

        private static string Times(decimal ratio) => Number(Math.Round(ratio, 2, MidpointRounding.AwayFromZero)) + "×";
    }
}
