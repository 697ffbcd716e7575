using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CdsHooks.Engine.Rules;

/// <summary>
/// Evaluates one rule against the shared context. A rule fires when every drug role is filled,
/// no absent role is, at least one filled focus role holds an order the clinician is acting on
/// (order-select: a selection; order-sign: any draft), the patient conditions hold, and its check
/// (if any) says so.
/// </summary>
internal static class RuleEvaluator
{
    public static Finding? Evaluate(RuleDefinition rule, RuleContext ctx, FrozenDictionary<string, IRuleCheck> checks)
    {
        var bindings = new Dictionary<string, ImmutableArray<RegimenItem>>(StringComparer.Ordinal);
        foreach (var role in rule.Drugs)
        {
            var items = ctx.Regimen.Items.Where(i => i.Is(role)).ToImmutableArray();
            if (items.IsEmpty)
            {
                return null;
            }

            bindings[role.Name] = items;
        }

        if (rule.Absent.Any(role => ctx.Regimen.Items.Any(i => i.Is(role))))
        {
            return null;
        }

        var focus = rule.Drugs.Where(r => r.Focus).SelectMany(r => bindings[r.Name]).Any(i => i.IsFocus);
        if (!focus)
        {
            return null; // nothing the clinician is ordering now is involved: no card for it
        }

        var used = new List<string>();
        var unknown = new List<string>();
        var patient = PatientConditionEvaluator.Evaluate(rule.Patient, ctx, used, unknown);
        if (patient == PatientConditionEvaluator.Result.NotMet ||
            (patient == PatientConditionEvaluator.Result.Unknown && !rule.Patient.FireWhenUnknown))
        {
            return null;
        }

        CheckOutcome? outcome = null;
        if (rule.Check is not null)
        {
            outcome = checks[rule.Check].Evaluate(rule, bindings, ctx);
            if (!outcome.Fires)
            {
                return null;
            }
        }

        var notChecked = unknown
            .Concat(outcome?.Missing.IsDefault == false ? outcome.Missing : [])
            .Concat(ctx.Facts.NotObtained.Select(k => k + " could not be obtained from the EHR"))
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();
        return new Finding(rule, bindings, outcome?.Indicator ?? rule.Indicator, [.. used.Distinct(StringComparer.Ordinal)], notChecked, outcome);
    }
}
