using System.Collections.Immutable;
using System.Diagnostics;
using CdsHooks.Engine.Patients;
using static CdsHooks.Engine.Rules.Checks.CheckSupport;

namespace CdsHooks.Engine.Rules.Checks;

/// <summary>
/// Laboratory and history criteria to withhold or stop a dose (rule tdm1-safety: Kadcyla PI dose
/// modifications for metastatic breast cancer, clinical-facts.md §3.1). Every threshold is a rule
/// parameter. Indicator: critical for a criterion that permanently discontinues, warning for one
/// that withholds the dose, info when the platelet count or liver tests needed before every dose
/// are missing.
/// </summary>
/// <remarks>
/// <para>Platelets, ALT, AST and bilirubin count only when taken within EngineOptions.RecentLabDays
/// (14 days by default) of now, that day included; an older latest value is named with its age.
/// LVEF is used at any age (it is measured every few months, not before every dose) and its date
/// is shown.</para>
/// <para>Labs missing fires an info card whether the observations were obtained and hold no recent
/// value, were answered "no data" (prefetch null), or could not be obtained: the label asks for these
/// tests before every dose, and silence would read as "checked, nothing found". The card says which
/// of the three it is.</para>
/// <para>ULN: the result's referenceRange.high; without one, the local default of the rule
/// (<c>defaultUln*</c>), named as such in the card.</para>
/// </remarks>
internal sealed partial class PreDoseSafetyCheck : IRuleCheck
{
    public string Name => "pre-dose-safety";

    public IReadOnlyList<string> Parameters { get; } =
    [
        P.PlateletsHold, P.PlateletsReduce, P.PlateletsResume, P.PlateletsInitiationCaution,
        P.TransaminasesHold, P.TransaminasesStop, P.HyTransaminases, P.HyBilirubin,
        P.BilirubinHold, P.BilirubinReduce, P.BilirubinStop,
        P.LvefHold, P.LvefBandTop, P.LvefFall,
        P.UlnAlt, P.UlnAst, P.UlnBilirubinMgDl, P.UlnBilirubinUmolL,
    ];

    public CheckOutcome Evaluate(RuleDefinition rule, IReadOnlyDictionary<string, ImmutableArray<RegimenItem>> bindings, RuleContext context)
    {
        _ = bindings; // the criteria are about the patient, whichever T-DM1 draft is being ordered

        // The check is silent on most T-DM1 orders, and then the text of what was used and what is
        // missing goes nowhere: the first pass only decides. When a problem is found, the same review
        // runs again over the same (immutable) facts, this time writing the text.
        var decision = Run(rule, context, withText: false);
        if (decision.Problems.Count == 0)
        {
            return CheckOutcome.Silent;
        }

        var review = Run(rule, context, withText: true);
        Debug.Assert(review.Problems.Select(p => p.Level).SequenceEqual(decision.Problems.Select(p => p.Level)), "both passes decide alike");

        var level = review.Problems.Max(p => p.Level);
        var top = review.Problems.Where(p => p.Level == level).ToList();
        var more = top.Count > 1 ? $" (+{top.Count - 1} more)" : string.Empty;
        var summary = Short(top[0].Summary, 105 - more.Length) + more;

        var values = ParameterValues(rule);
        values["summary"] = summary;
        values["assessment"] = string.Join("\n", review.Problems.OrderByDescending(p => p.Level).Select(p => "- " + p.Line));
        values["recentLabDays"] = Number(context.Options.RecentLabDays);
        return new CheckOutcome(true, level, values, [.. review.Findings], [.. review.Missing.Distinct()]);
    }

    private static Review Run(RuleDefinition rule, RuleContext context, bool withText)
    {
        var review = new Review(rule, context, withText);
        review.LungDisease();
        review.Platelets();
        review.Liver();
        review.MissingLabs();
        review.Lvef();
        if (withText)
        {
            review.Missing.AddRange(context.Facts.UnreadableMeasurements.Where(u => !u.StartsWith(MeasurementCodes.Weight.Name, StringComparison.Ordinal)));
        }

        return review;
    }

    internal sealed record Problem(Indicator Level, string Summary, string Line);

    /// <summary>Parameter names (cds-cards/rules/tdm1-safety.yaml).</summary>
    internal static class P
    {
        public const string PlateletsHold = "plateletsHoldBelow";
        public const string PlateletsReduce = "plateletsReduceBelow";
        public const string PlateletsResume = "plateletsResumeAtLeast";
        public const string PlateletsInitiationCaution = "plateletsInitiationCautionBelow";
        public const string TransaminasesHold = "transaminasesHoldAboveUln";
        public const string TransaminasesStop = "transaminasesDiscontinueAboveUln";
        public const string HyTransaminases = "hyTransaminasesAboveUln";
        public const string HyBilirubin = "hyBilirubinAboveUln";
        public const string BilirubinHold = "bilirubinHoldAboveUln";
        public const string BilirubinReduce = "bilirubinReduceAboveUln";
        public const string BilirubinStop = "bilirubinDiscontinueAboveUln";
        public const string LvefHold = "lvefHoldBelow";
        public const string LvefBandTop = "lvefBandTop";
        public const string LvefFall = "lvefFallPoints";
        public const string UlnAlt = "defaultUlnAlt";
        public const string UlnAst = "defaultUlnAst";
        public const string UlnBilirubinMgDl = "defaultUlnBilirubinMgDl";
        public const string UlnBilirubinUmolL = "defaultUlnBilirubinUmolL";
    }
}
