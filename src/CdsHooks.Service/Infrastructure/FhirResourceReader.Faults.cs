using System.Text.RegularExpressions;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Infrastructure;

/// <summary>Sorting Firely's structural faults: in an element the engine reads, or not.</summary>
internal static partial class FhirResourceReader
{
    /// <summary>The resource of an entry, or null where the entry list or the entry cannot be read (a structural fault
    /// there is being sorted: nothing else may be assumed of it).</summary>
    private static Resource? EntryResource(Bundle bundle, int index)
    {
        try
        {
            return index < bundle.Entry.Count ? bundle.Entry[index]?.Resource : null;
        }
        catch (Hl7.Fhir.Validation.CodedValidationException)
        {
            return null;
        }
    }

    /// <summary>"MedicationRequest.dosageInstruction[0]" → "dosageInstruction[0]": the path below the resource.</summary>
    private static string Below(string element) => element[(element.IndexOf('.', StringComparison.Ordinal) + 1)..];

    /// <summary>
    /// Faults that leave the element as if it were absent, which is how FHIR reads it anyway: an empty array
    /// (JSON121, "entry": [] of an empty searchset) and a null where a value belongs (JSON109). EHRs and servers send
    /// both; the partial result simply lacks them.
    /// </summary>
    /// <summary>A null inside an array (JSON125). Firely keeps the null in the list and names the wrong index, so it
    /// is left to <see cref="RecordCheck"/>, which finds it with its index where the engine reads the array; elsewhere
    /// it is tolerated like any element no rule reads.</summary>
    private const string NullInArray = "JSON125";

    private static readonly HashSet<string> HarmlessCodes = new(StringComparer.Ordinal) { "JSON121", "JSON109" };

    [GeneratedRegex(@"^Bundle\.entry\[(\d+)\]\.resource(?:\.([A-Za-z]+)(.*))?$")]
    private static partial Regex InEntry();

    [GeneratedRegex(@"^[A-Za-z]+(?:\.([A-Za-z]+)(.*))?$")]
    private static partial Regex InResource();

    /// <summary>Sorts one structural fault: in an element the engine reads (or the record as a whole), or not.</summary>
    private static void Sort(Resource? resource, string? path, string message, List<EntryFault> faults, List<string> tolerated)
    {
        path ??= string.Empty;
        if (resource is Bundle bundle && InEntry().Match(path) is { Success: true } inEntry)
        {
            var index = int.Parse(inEntry.Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture);
            var type = EntryResource(bundle, index)?.TypeName;
            var element = inEntry.Groups[2].Value;
            if (element.Length == 0 || type is null || RecordCheck.Uses(type, element))
            {
                faults.Add(new EntryFault(index, element.Length == 0 ? "resourceType" : element + inEntry.Groups[3].Value, message));
            }
            else
            {
                tolerated.Add($"{type}.{element}");
            }

            return;
        }

        var inResource = InResource().Match(path);
        var top = inResource.Success ? inResource.Groups[1].Value : string.Empty;
        if (resource is Bundle)
        {
            // The bundle itself: its entries and paging links are read, nothing else.
            if (top is "" or "entry" or "link")
            {
                faults.Add(new EntryFault(null, top.Length == 0 ? "resourceType" : top + inResource.Groups[2].Value, message));
            }
            else
            {
                tolerated.Add("Bundle." + top);
            }

            return;
        }

        if (top.Length == 0 || resource is null || RecordCheck.Uses(resource.TypeName, top))
        {
            faults.Add(new EntryFault(null, top.Length == 0 ? "resourceType" : top + inResource.Groups[2].Value, message));
        }
        else
        {
            tolerated.Add($"{resource.TypeName}.{top}");
        }
    }
}
