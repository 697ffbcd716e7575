using CdsHooks.Fhir;

namespace CdsHooks.Engine.Concepts;

/// <summary>
/// Finds the drug of a MedicationRequest/Statement/Administration: inline medicationCodeableConcept,
/// or medicationReference to a contained Medication ("#id") or to a Medication elsewhere in the
/// request (draftOrders or prefetch bundles; Epic sends "Medication/123" references this way).
/// </summary>
internal static class MedicationResolver
{
    public static MedicationIdentity Resolve(IMedicationUse use, ConceptMap map, IReadOnlyDictionary<string, Medication> others)
    {
        if (use.MedicationCodeableConcept is { } inline)
        {
            return map.Resolve(inline);
        }

        var reference = use.MedicationReference?.ReferenceValue;
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
            return use.MedicationReference?.Display is { } display
                ? map.Resolve(new CodeableConcept { Text = display })
                : MedicationIdentity.Unknown;
        }

        var identity = map.Resolve(medication.Code);
        if (identity.IsRecognised || identity.Problem is not null)
        {
            return identity;
        }

        // No code on the Medication: its ingredients name the drug(s).
        var matches = (medication.Ingredient ?? [])
            .Select(i => map.Resolve(i.ItemCodeableConcept))
            .SelectMany(i => i.Matches)
            .DistinctBy(m => m.Concept.Id)
            .ToArray();
        return new MedicationIdentity([.. matches], null);
    }

    /// <summary>Index of Medication resources by "Medication/id" and by fullUrl.</summary>
    public static Dictionary<string, Medication> Index(IEnumerable<(string? FullUrl, Resource? Resource)> entries)
    {
        var index = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var (fullUrl, resource) in entries)
        {
            Add(index, fullUrl, resource);
        }

        return index;
    }

    /// <summary>The same index for one hook call: draftOrders entries first, then the prefetched Medications.</summary>
    public static Dictionary<string, Medication> Index(Bundle draftOrders, IReadOnlyList<Medication> others)
    {
        var index = new Dictionary<string, Medication>(StringComparer.Ordinal);
        foreach (var entry in draftOrders.Entry ?? [])
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

    private static Medication? Contained(IMedicationUse use, ReadOnlySpan<char> id)
    {
        foreach (var resource in use.Contained ?? [])
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
