using System.Text.Json;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Reads one FHIR resource with Firely's deserializer straight from the request's (or a FHIR server's)
/// <see cref="Utf8JsonReader"/>, and sorts what Firely could not read into what matters and what does not.
/// <list type="bullet">
/// <item>Firely throws <see cref="DeserializationFailedException"/> for structural faults (an object where a
/// primitive belongs, a duplicate property) with a partial result and the FHIR path of each fault.</item>
/// <item>Faults in shape or literal (a single object where FHIR wants an array, "12" for a decimal) are kept aside
/// without a word and throw when read: <see cref="RecordCheck"/> reads every element the engine uses.</item>
/// </list>
/// A fault in an element the engine uses makes its record <see cref="ResourceRead.Faulty"/>; anything else is
/// <see cref="ResourceRead.Tolerated"/>. Messages name FHIR elements, never .NET types.
/// </summary>
internal static partial class FhirResourceReader
{
    /// <summary>Reads the resource at the reader (which must be on its StartObject) and leaves the reader on its EndObject.
    /// Throws <see cref="JsonException"/> for JSON that is broken as JSON (the caller rejects the request).</summary>
    public static ResourceRead Read(ref Utf8JsonReader reader)
    {
        var faults = new List<EntryFault>();
        var tolerated = new List<string>();
        var start = reader; // a copy: where the resource begins, to read it again or skip it whole
        var resource = WellFormedResourceReader.TryRead(ref reader);
        if (resource is null)
        {
            reader = start;
            resource = ReadWithFirely(ref reader, faults, tolerated);
        }

        return Checked(resource, faults, tolerated);
    }

    /// <summary>Firely's deserializer, for what <see cref="WellFormedResourceReader"/> leaves to it: its partial result,
    /// with each fault sorted into <paramref name="faults"/> or <paramref name="tolerated"/>.</summary>
    private static Resource? ReadWithFirely(ref Utf8JsonReader reader, List<EntryFault> faults, List<string> tolerated)
    {
        Resource? resource;
        var start = reader;
        try
        {
            resource = JsonSerializer.Deserialize<Resource>(ref reader, FhirJson.Options);
        }
        catch (NotSupportedException)
        {
            // Firely cannot build an abstract type ("resourceType": "Resource" or "DomainResource") and says so with an
            // exception from deep inside. The JSON itself is sound: skip the resource and report it as unreadable.
            reader = start;
            reader.Skip();
            faults.Add(new EntryFault(null, "resourceType", "a resource (or a resource inside it) has an abstract or unknown resourceType"));
            return null;
        }
        catch (DeserializationFailedException ex)
        {
            resource = ex.PartialResult as Resource;
            foreach (var fault in ex.Exceptions)
            {
                if (HarmlessCodes.Contains(fault.ErrorCode) || fault.ErrorCode == NullInArray)
                {
                    tolerated.Add(fault.ErrorCode);
                    continue;
                }

                var path = (fault as FhirJsonException)?.InstancePath;
                var message = (fault as FhirJsonException)?.BaseErrorMessage ?? fault.Message;
                Sort(resource, path, message, faults, tolerated);
            }
        }
        catch (InvalidOperationException)
        {
            // Firely reads text and numbers through the JSON reader, which throws this for invalid UTF-8 or a lone surrogate.
            throw new JsonException("a string in the resource is not valid UTF-8 or UTF-16 text");
        }
        catch (JsonException ex)
        {
            // Broken JSON inside a resource reaches us through Firely's converter, whose message names a .NET type
            // ("could not be converted to Hl7.Fhir.Model.Resource"): say where instead.
            throw new JsonException(
                $"a FHIR resource is not valid JSON text (byte {ex.BytePositionInLine ?? 0} of line {(ex.LineNumber ?? 0) + 1})", ex);
        }

        return resource;
    }

    /// <summary>The record checks on what was read (<see cref="RecordCheck"/>): faults in elements the engine reads.</summary>
    private static ResourceRead Checked(Resource? resource, List<EntryFault> faults, List<string> tolerated)
    {
        if (resource is null)
        {
            return new ResourceRead(null, faults.Count > 0 ? faults : [new EntryFault(null, "resourceType", "the resource could not be read")], tolerated);
        }

        // Shape and literal faults in what the engine reads.
        if (resource is Bundle bundle)
        {
            // The bundle's own structure first (entries, links): if it cannot be read, neither can its entries.
            if (RecordCheck.FirstFault(bundle) is { } broken)
            {
                faults.Add(new EntryFault(null, Below(broken.Element), broken.Reason));
            }
            else
            {
                for (var i = 0; i < bundle.Entry.Count; i++)
                {
                    if (bundle.Entry[i].Resource is { } entry)
                    {
                        Check(entry, i, faults, tolerated);
                    }
                }
            }
        }
        else
        {
            Check(resource, null, faults, tolerated);
        }

        return new ResourceRead(resource, faults, tolerated);
    }

    private static void Check(Resource resource, int? entry, List<EntryFault> faults, List<string> tolerated)
    {
        if (RecordCheck.FirstFault(resource) is { } fault)
        {
            faults.Add(new EntryFault(entry, Below(fault.Element), fault.Reason));
        }
        else if (resource.HasOverflow)
        {
            // Firely kept something aside that no rule reads: name it for the log and the metric (rare: only then is
            // the resource walked).
            var before = tolerated.Count;
            foreach (var name in KeptAside(resource))
            {
                tolerated.Add($"{resource.TypeName}.{name}");
            }

            if (tolerated.Count == before)
            {
                tolerated.Add(resource.TypeName);
            }
        }
    }

    /// <summary>Top-level elements Firely kept aside: unknown to the R4 model, or sent as a single value where R4 wants
    /// an array (or the other way round), like the Sandbox's <c>category</c> and <c>reasonCode</c>.</summary>
    private static IEnumerable<string> KeptAside(Resource resource)
    {
        var mapping = ModelInfo.ModelInspector.FindClassMapping(resource.GetType());
        foreach (var (name, value) in resource.EnumerateElements())
        {
            var element = mapping?.FindMappedElementByName(name);
            if (element is null || element.IsCollection != value is System.Collections.IList)
            {
                yield return name;
            }
        }
    }
}

/// <summary>What was read of one resource.</summary>
/// <param name="Resource">The resource, partial where Firely could not read everything; null when nothing could be read.</param>
/// <param name="Faults">Faults in elements the engine reads, by bundle entry (null: the resource itself).</param>
/// <param name="Tolerated">Elements that could not be read and are not used ("MedicationRequest.category"), for the log and metrics.</param>
internal sealed record ResourceRead(Resource? Resource, IReadOnlyList<EntryFault> Faults, IReadOnlyList<string> Tolerated);

/// <summary>A fault in an element the engine reads: the entry of a Bundle (null: the resource itself), the element
/// below the resource ("medication[x]", "code.coding[0].system") and Firely's words.</summary>
internal sealed record EntryFault(int? Entry, string Element, string Message);
