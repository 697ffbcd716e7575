using System.Collections.Immutable;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using ConceptMap = CdsHooks.Engine.Concepts.ConceptMap;

namespace CdsHooks.Engine.Rules;

/// <summary>
/// Builds the regimen: every draft order (order-sign may carry revised orders in other statuses,
/// so all of draftOrders count as drafts), then the history from MedicationRequest,
/// MedicationStatement and MedicationAdministration. Infusions are usually recorded only as
/// administrations, so a recent one counts as active therapy (<see cref="EngineOptions.AdministrationActiveDays"/>).
/// </summary>
internal static class RegimenBuilder
{
    public static Regimen Build(EvaluationInput input, ConceptMap map, EngineOptions options, DateTimeOffset now)
    {
        var medications = MedicationResolver.Index(input.DraftOrders, input.Data.Medications);

        var data = input.Data;
        var items = ImmutableArray.CreateBuilder<RegimenItem>( // room for every resource: no regrowth on a long history
            input.DraftOrders.Entry.Count + data.MedicationRequests.Count + data.MedicationStatements.Count + data.MedicationAdministrations.Count);
        var unidentified = ImmutableArray.CreateBuilder<UnidentifiedOrder>();
        var draftIds = new HashSet<string>(StringComparer.Ordinal);
        var resolved = new ResolvedConcepts();

        foreach (var entry in input.DraftOrders.Entry)
        {
            if (entry.Resource is not MedicationRequest draft)
            {
                continue; // ServiceRequest, NutritionOrder ...: outside this service's scope
            }

            var reference = draft.Id is null ? null : "MedicationRequest/" + draft.Id;
            if (draft.Id is not null)
            {
                draftIds.Add(draft.Id);
            }

            var focus = input.Hook == HookKind.OrderSign || (reference is not null && IsSelected(input.Selections, reference));
            var identity = MedicationResolver.Resolve(draft, map, medications, resolved);
            if (identity.IsRecognised)
            {
                var start = FhirDates.Start(draft.DosageInstruction.FirstOrDefault()?.Timing?.Repeat?.Bounds as Period);
                items.Add(RegimenItem.From(identity.Matches, Origin.Draft, focus, "MedicationRequest", draft, start ?? now, null));
            }
            else if (identity.Problem is not null)
            {
                unidentified.Add(new UnidentifiedOrder(reference, identity.Problem, focus));
            }
        }

        foreach (var request in input.Data.MedicationRequests)
        {
            if (request.Id is not null && draftIds.Contains(request.Id))
            {
                continue; // the server already holds this session's draft: judge the context copy
            }

            Origin? origin = request.Status switch
            {
                MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.OnHold => Origin.Active,
                MedicationRequest.MedicationrequestStatus.Completed or MedicationRequest.MedicationrequestStatus.Stopped => Origin.Past,
                _ => null, // draft (another session), cancelled, entered-in-error, unknown
            };
            var bounds = request.DosageInstruction.FirstOrDefault()?.Timing?.Repeat?.Bounds as Period;
            AddHistory(request, "MedicationRequest", origin, FhirDates.Parse(bounds?.Start ?? request.AuthoredOn), FhirDates.Parse(bounds?.End));
        }

        foreach (var statement in input.Data.MedicationStatements)
        {
            Origin? origin = statement.Status switch
            {
                MedicationStatement.MedicationStatusCodes.Active or MedicationStatement.MedicationStatusCodes.Intended
                    or MedicationStatement.MedicationStatusCodes.OnHold => Origin.Active,
                MedicationStatement.MedicationStatusCodes.Completed or MedicationStatement.MedicationStatusCodes.Stopped => Origin.Past,
                _ => null, // not-taken, entered-in-error, unknown
            };
            var start = FhirDates.Start(statement.Effective);
            var end = FhirDates.End(statement.Effective);
            if (origin == Origin.Active && end is { } e && e < now)
            {
                origin = Origin.Past;
            }

            AddHistory(statement, "MedicationStatement", origin, start, end);
        }

        foreach (var administration in input.Data.MedicationAdministrations)
        {
            var when = FhirDates.Start(administration.Effective);
            Origin? origin = administration.Status switch
            {
                MedicationAdministration.MedicationAdministrationStatusCodes.InProgress => Origin.Active,
                MedicationAdministration.MedicationAdministrationStatusCodes.Completed
                    when when is { } w && now - w <= TimeSpan.FromDays(options.AdministrationActiveDays) => Origin.Active,
                MedicationAdministration.MedicationAdministrationStatusCodes.Completed => Origin.Past,
                _ => null, // not-done, entered-in-error, stopped before the dose, unknown
            };
            AddHistory(administration, "MedicationAdministration", origin, when, FhirDates.End(administration.Effective) ?? when);
        }

        return new Regimen(items.Count == items.Capacity ? items.MoveToImmutable() : items.ToImmutable(), unidentified.ToImmutable());

        void AddHistory(DomainResource resource, string type, Origin? origin, DateTimeOffset? start, DateTimeOffset? end)
        {
            if (origin is null)
            {
                return;
            }

            var identity = MedicationResolver.Resolve(resource, map, medications, resolved);
            if (identity.IsRecognised)
            {
                items.Add(RegimenItem.From(identity.Matches, origin.Value, false, type, resource, start, end));
            }
        }
    }

    /// <summary>Whether order-select named this draft (a handful of selections: a walk, no set).</summary>
    private static bool IsSelected(IReadOnlyList<string> selections, string reference)
    {
        for (var i = 0; i < selections.Count; i++)
        {
            if (string.Equals(selections[i], reference, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
