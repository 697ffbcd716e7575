using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Concepts;

/// <summary>
/// Finds the drug of a MedicationRequest/Statement/Administration: inline medicationCodeableConcept,
/// or medicationReference to a contained Medication ("#id") or to a Medication elsewhere in the
/// request (draftOrders or prefetch bundles; Epic sends "Medication/123" references this way).
/// </summary>
internal static class MedicationResolver
{
    public static MedicationIdentity Resolve(
        DomainResource use, ConceptMap map, IReadOnlyDictionary<string, Medication> others, ResolvedConcepts? resolved = null)
    {
        var drug = MedicationOf(use);
        if (drug is CodeableConcept inline)
        {
            return resolved is null ? map.Resolve(inline) : resolved.Resolve(map, inline);
        }

        var medicationReference = drug as ResourceReference;
        var reference = medicationReference?.Reference;
        Medication? medication = null;
        if (reference is { Length: > 1 } && reference[0] == '#')
        {
            medication = Contained(use, reference.AsSpan(1));
        }
        else if (reference is not null)
        {
            medication = others.GetValueOrDefault(reference) ?? others.GetValueOrDefault(TypeAndId(reference));
        }

        if (medication is null)
        {
            // A display on the reference is still a name: better than nothing, and look-alike safe.
            return medicationReference?.Display is { } display
                ? map.Resolve(new CodeableConcept { Text = display })
                : MedicationIdentity.Unknown;
        }

        var identity = map.Resolve(medication.Code);
        if (identity.IsRecognised || identity.Problem is not null)
        {
            return identity;
        }

        // No code on the Medication: its ingredients name the drug(s).
        var matches = medication.Ingredient
            .Select(i => map.Resolve(i.Item as CodeableConcept))
            .SelectMany(i => i.Matches)
            .DistinctBy(m => m.Concept.Id)
            .ToArray();
        return new MedicationIdentity([.. matches], null);
    }

    /// <summary>Medication resources of one hook call by "Medication/id", and draftOrders entries also by fullUrl:
    /// the drafts first, then the prefetched Medications.</summary>
    public static Dictionary<string, Medication> Index(Bundle draftOrders, IReadOnlyList<Medication> others)
    {
        var index = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var entry in draftOrders.Entry)
        {
            Add(index, entry.FullUrl, entry.Resource);
        }

        foreach (var medication in others)
        {
            Add(index, null, medication);
        }

        return index;
    }

    private static void Add(Dictionary<string, Medication> index, string? fullUrl, Resource? resource)
    {
        if (resource is not Medication medication)
        {
            return;
        }

        if (medication.Id is not null)
        {
            index.TryAdd("Medication/" + medication.Id, medication);
        }

        if (fullUrl is not null)
        {
            index.TryAdd(fullUrl, medication);
        }
    }

    /// <summary>medication[x] of a MedicationRequest, MedicationStatement or MedicationAdministration: a
    /// CodeableConcept or a Reference (FHIR R4 gives the three resources the same element).</summary>
    public static DataType? MedicationOf(DomainResource use) => use switch
    {
        MedicationRequest request => request.Medication,
        MedicationStatement statement => statement.Medication,
        MedicationAdministration administration => administration.Medication,
        _ => null,
    };

    private static Medication? Contained(DomainResource use, ReadOnlySpan<char> id)
    {
        foreach (var resource in use.Contained)
        {
            if (resource is Medication medication && id.SequenceEqual(medication.Id))
            {
                return medication;
            }
        }

        return null;
    }

    /// <summary>"https://ehr/fhir/Medication/123/_history/2" → "Medication/123".</summary>
    private static string TypeAndId(string reference)
    {
        var parts = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.LastIndexOf(parts, "Medication");
        return at >= 0 && at + 1 < parts.Length ? "Medication/" + parts[at + 1] : reference;
    }
}

/// <summary>
/// For one evaluation: the identity of each drug coding object already resolved, by reference. The request reader
/// may hand out one object for a coding that repeats across the history; when it does, a year of
/// administrations of three drugs is resolved a few times instead of forty. Resolution depends on the
/// concept's content only, so a remembered identity is the one a new resolution would give. Eight entries, reused
/// in turn: histories alternate between a handful of drugs.
/// </summary>
internal sealed class ResolvedConcepts
{
    private const int Size = 8;
    private readonly CodeableConcept?[] _concepts = new CodeableConcept?[Size];
    private readonly MedicationIdentity?[] _identities = new MedicationIdentity?[Size];
    private int _next;

    public MedicationIdentity Resolve(ConceptMap map, CodeableConcept concept)
    {
        for (var i = 0; i < Size; i++)
        {
            if (ReferenceEquals(_concepts[i], concept))
            {
                return _identities[i]!;
            }
        }

        var identity = map.Resolve(concept);
        _concepts[_next] = concept;
        _identities[_next] = identity;
        _next = (_next + 1) % Size;
        return identity;
    }
}
