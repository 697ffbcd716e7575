using System.Collections.Frozen;
using CdsHooks.Engine.Patients;
using CdsHooks.Service.Infrastructure;
using Hl7.Fhir.Model;
using CdsHooks.Service.Prefetch;

namespace CdsHooks.Service.Hooks;

/// <summary>
/// When the service answers 412 Precondition Failed (CDS Hooks 2.0 item 29: "unable to obtain required
/// data because it cannot access the FHIR server and the request did not contain the necessary prefetch
/// keys"). We answer 412 only when nothing can be judged, that is when all three hold:
/// <list type="number">
/// <item>a <em>required</em> data kind (<see cref="RequiredKinds"/>) could not be obtained completely;</item>
/// <item>the evaluation of what we do have produced no card; and</item>
/// <item>the draft orders name at least one drug (a medication code, text or reference).</item>
/// </list>
/// Why: a 200 <c>{"cards": []}</c> tells the EHR "checked, nothing to say", so we send it only when it is
/// true. If the draft orders alone yield cards (T-DM1 with letrozole needs no history), we answer 200 with
/// them, and each card names what was not checked: a partial answer beats none. If no drug is named (the
/// sandbox fires order-select before a drug is chosen; a ServiceRequest-only draft), there is nothing to
/// judge and 200 with no card is true whatever the data. A named drug the knowledge base does not know
/// still counts: without the data we cannot tell an out-of-scope drug from one that the missing medication
/// history or Medication resources would have made relevant.
/// </summary>
internal static class Preconditions
{
    /// <summary>The data every rule family relies on: diagnoses, receptor and laboratory observations, and
    /// the medication history that makes up current therapy and the line of therapy. The Patient resource
    /// is not required: no rule reads it.</summary>
    public static readonly FrozenSet<DataKind> RequiredKinds = new[]
    {
        DataKind.Conditions, DataKind.Observations, DataKind.MedicationRequests,
        DataKind.MedicationStatements, DataKind.MedicationAdministrations,
    }.ToFrozenSet();

    /// <summary>The 412 body when nothing can be judged, otherwise null.</summary>
    public static OperationOutcome? NothingCanBeJudged(HookRequest request, ResolvedData resolved, int cardCount)
    {
        if (cardCount > 0 || !NamesADrug(request.DraftOrders))
        {
            return null;
        }

        var missing = PrefetchResolver.Keys
            .Where(k => RequiredKinds.Contains(k.Kind) && resolved.Problems.ContainsKey(k.Kind))
            .Select(k => Outcomes.Issue("incomplete",
                $"Prefetch '{k.Key}' could not be obtained: {resolved.Problems[k.Kind]}. " +
                "Without it the drafted drugs cannot be checked; send the prefetch or a reachable fhirServer with access.",
                "prefetch." + k.Key))
            .ToList();
        return missing.Count == 0 ? null : new OperationOutcome { Issue = missing };
    }

    internal static bool NamesADrug(Bundle draftOrders) =>
        draftOrders.Entry.Select(e => e.Resource).OfType<MedicationRequest>().Any(r =>
            r.Medication is CodeableConcept concept && (!string.IsNullOrWhiteSpace(concept.Text) ||
                concept.Coding.Any(c => !string.IsNullOrWhiteSpace(c.Code) || !string.IsNullOrWhiteSpace(c.Display))) ||
            r.Medication is ResourceReference reference && (!string.IsNullOrWhiteSpace(reference.Reference) || !string.IsNullOrWhiteSpace(reference.Display)));
}
