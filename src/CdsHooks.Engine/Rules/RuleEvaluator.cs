using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

/// <summary>
/// Evaluates one rule against the shared context. A rule fires when every drug role is filled,
/// no absent role is (and no unidentified draft could fill one: then the finding says the absence is unknown), at least one filled focus role holds an order the clinician is acting on
/// (order-select: a selection; order-sign: any draft), the patient conditions hold, and its check
/// (if any) says so.
/// </summary>
internal static class RuleEvaluator
{
    public static Finding? Evaluate(RuleDefinition rule, RuleContext ctx, FrozenDictionary<string, IRuleCheck> checks)
    {
        // Every rule runs on every call and most stop at their first drug role: nothing is allocated
        // until a role is filled.
        Dictionary<string, ImmutableArray<RegimenItem>>? filled = null;
        var focus = false;
        foreach (var role in rule.Drugs)
        {
            var items = Filling(role, ctx.Regimen.Items);
            if (items.IsEmpty)
            {
                return null;
            }

            (filled ??= new(StringComparer.Ordinal))[role.Name] = items;
            focus |= role.Focus && items.Any(i => i.IsFocus);
        }

        var absenceUnknown = false;
        foreach (var role in rule.Absent)
        {
            foreach (var item in ctx.Regimen.Items)
            {
                if (item.Is(role))
                {
                    return null;
                }
            }

            // A draft whose drug could not be identified may be the very drug that must be absent:
            // unknown is never read as absent (issue 14), whatever the role names.
            absenceUnknown |= !ctx.Regimen.Unidentified.IsEmpty && role.In.Contains(Origin.Draft);
        }

        if (!focus)
        {
            return null; // nothing the clinician is ordering now is involved: no card for it
        }

        var bindings = filled ?? new Dictionary<string, ImmutableArray<RegimenItem>>(StringComparer.Ordinal);

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

        // What could not be checked: the rule's own unknowns, then the check's, then the data not obtained.
        var missing = outcome?.Missing.IsDefault == false ? outcome.Missing : [];
        var notChecked = new List<string>(unknown.Count + missing.Length + ctx.Facts.NotObtained.Length + ctx.Facts.Unreadable.Length);
        foreach (var item in unknown)
        {
            notChecked.AddDistinct(item);
        }

        foreach (var item in missing)
        {
            notChecked.AddDistinct(item);
        }

        foreach (var kind in ctx.Facts.NotObtained)
        {
            notChecked.AddDistinct(kind + " could not be obtained from the EHR");
        }

        foreach (var record in ctx.Facts.Unreadable)
        {
            notChecked.AddDistinct(record + " could not be read and was left out");
        }

        var distinctUsed = new List<string>(used.Count);
        foreach (var item in used)
        {
            distinctUsed.AddDistinct(item);
        }

        return new Finding(rule, bindings, outcome?.Indicator ?? rule.Indicator, [.. distinctUsed], [.. notChecked], outcome, absenceUnknown);
    }

    /// <summary>The regimen items that fill a role, in regimen order. One test per item (a year of history is
    /// ~60 items and every role of every rule asks), noting the hits on the stack; an array only when there is one.</summary>
    private static ImmutableArray<RegimenItem> Filling(DrugRole role, ImmutableArray<RegimenItem> regimen)
    {
        Span<int> hits = regimen.Length <= 256 ? stackalloc int[regimen.Length] : new int[regimen.Length];
        var count = 0;
        for (var i = 0; i < regimen.Length; i++)
        {
            if (regimen[i].Is(role))
            {
                hits[count++] = i;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var items = new RegimenItem[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = regimen[hits[i]];
        }

        return ImmutableCollectionsMarshal.AsImmutableArray(items);
    }
}
