using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>Where a drug in the regimen comes from.</summary>
public enum Origin
{
    /// <summary>An order in this ordering session (draftOrders).</summary>
    Draft,
    /// <summary>Therapy the patient is on now (active request or statement, recent administration).</summary>
    Active,
    /// <summary>Therapy that ended.</summary>
    Past,
}

/// <summary>One drug in the patient's regimen: drafted now, taken now, or taken before.</summary>
public sealed record RegimenItem(
    string Display,
    FrozenSet<string> ConceptIds,
    FrozenSet<string> ClassIds,
    Origin Origin,
    bool IsFocus,
    string ResourceType,
    string? ResourceId,
    Resource Resource,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    ImmutableArray<ConceptMatch> Matches)
{
    public string? Reference => ResourceId is null ? null : $"{ResourceType}/{ResourceId}";

    /// <summary>Active only because of a recent administration (no ongoing order or statement).</summary>
    public bool IsRecentAdministration => Origin == Origin.Active && ResourceType == "MedicationAdministration";

    internal static RegimenItem From(
        ImmutableArray<ConceptMatch> matches, Origin origin, bool focus, string type, Resource resource,
        DateTimeOffset? start, DateTimeOffset? end)
    {
        if (matches.Length == 1)
        {
            // Nearly every order names one drug: share its precomputed sets instead of building new ones.
            var concept = matches[0].Concept;
            return new(concept.Display, concept.AllConceptIds, concept.AllClassIds, origin, focus, type, resource.Id, resource, start, end, matches);
        }

        return new(string.Join(" + ", matches.Select(m => m.Concept.Display).Distinct(StringComparer.Ordinal)),
            matches.SelectMany(m => m.Concept.AllConceptIds).ToFrozenSet(StringComparer.Ordinal),
            matches.SelectMany(m => m.Concept.AllClassIds).ToFrozenSet(StringComparer.Ordinal),
            origin, focus, type, resource.Id, resource, start, end, matches);
    }
}

/// <summary>A draft order whose drug could not be identified safely (look-alike conflict).</summary>
public sealed record UnidentifiedOrder(string? Reference, string Problem, bool IsFocus);

/// <summary>The whole regimen judged in one hook call: draft orders plus the medication history.</summary>
public sealed record Regimen(ImmutableArray<RegimenItem> Items, ImmutableArray<UnidentifiedOrder> Unidentified)
{
    public IEnumerable<RegimenItem> Drafts => Items.Where(i => i.Origin == Origin.Draft);
}
