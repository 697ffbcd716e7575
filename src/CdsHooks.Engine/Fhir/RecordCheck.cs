using Hl7.Fhir.Model;
using Hl7.Fhir.Validation;

namespace CdsHooks.Engine.Fhir;

/// <summary>
/// Reads, once and up front, every element of a resource that the engine uses, so that an element in the wrong
/// shape or with a wrong literal is found before any rule runs. Firely's deserializer keeps such an element aside
/// (no validator runs on the hot path, see <see cref="FhirJson"/>) and its typed getter throws
/// <see cref="CodedValidationException"/> when read; this class makes those reads and names the element.
/// Elements not listed here are never read, so a fault in them (the Sandbox's single-object
/// <c>category</c> and <c>reasonCode</c>) costs the clinician nothing.
/// <para>Strict where it matters: the engine reads statuses, medication[x], subject, dosage, dates,
/// Observation.value[x] and codes. The lists below are those reads, element by element. Paths are built only
/// when a read fails, so a good record costs the reads and nothing else.</para>
/// </summary>
public static partial class RecordCheck
{
    /// <summary>The first element the engine uses that cannot be read; null when all can.</summary>
    public static RecordFault? FirstFault(Resource resource) => Check(resource, Identity) ?? resource switch
    {
        MedicationRequest r => Check(r, Request),
        MedicationStatement s => Check(s, Statement),
        MedicationAdministration a => Check(a, Administration),
        Medication m => Check(m, MedicationElements),
        Condition c => Check(c, ConditionElements),
        Observation o => Check(o, ObservationElements),
        Bundle b => Check(b, BundleElements),
        _ => null,
    };

    /// <summary>Whether the engine reads this element of this resource type ("Observation", "value"). Paths are
    /// FHIRPath, as OperationOutcome.issue.expression wants them and as Firely names them: a choice element without
    /// its type suffix ("value", not "valueQuantity").</summary>
    public static bool Uses(string resourceType, string element) =>
        Used.TryGetValue(resourceType, out var elements) && elements.Contains(element);

    private static RecordFault? Check<T>(T resource, (string Element, Action<T> Read)[] elements)
        where T : Resource
    {
        foreach (var (element, read) in elements)
        {
            try
            {
                read(resource);
            }
            catch (ElementFault fault)
            {
                return new RecordFault($"{resource.TypeName}.{element}{fault.Path}", fault.Reason);
            }
            catch (CodedValidationException ex)
            {
                return new RecordFault($"{resource.TypeName}.{element}", ex.Message);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException)
            {
                // A getter that parses a literal Firely kept as sent (a number out of range, a malformed date).
                return new RecordFault($"{resource.TypeName}.{element}", "the value cannot be read: " + ex.Message);
            }
        }

        return null;
    }

    /// <summary>Reads one child; a fault below it gets the child's step in front of its path.</summary>
    private static void Step<T>(string step, T item, Action<T> read)
    {
        try
        {
            read(item);
        }
        catch (ElementFault fault)
        {
            throw new ElementFault(step + fault.Path, fault.Reason);
        }
        catch (CodedValidationException ex)
        {
            throw new ElementFault(step, ex.Message);
        }
    }

    /// <summary>Reads every item of a list; a fault gets the item's index in front of its path.</summary>
    private static void Each<T>(List<T> items, Action<T> read)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is null)
            {
                throw new ElementFault($"[{i}]", "null is not a FHIR value inside an array");
            }

            try
            {
                read(items[i]);
            }
            catch (ElementFault fault)
            {
                throw new ElementFault($"[{i}]{fault.Path}", fault.Reason);
            }
            catch (CodedValidationException ex)
            {
                throw new ElementFault($"[{i}]", ex.Message);
            }
        }
    }

    private static void ContainedMedication(Resource resource)
    {
        if (resource is Medication medication && Check(medication, MedicationElements) is { } fault)
        {
            throw new ElementFault(fault.Element["Medication".Length..], fault.Reason);
        }
    }

    /// <summary>A fault below the element being read: the rest of its path (".timing.repeat.period") and why.</summary>
    private sealed class ElementFault(string path, string reason) : Exception(reason)
    {
        public string Path { get; } = path;

        public string Reason { get; } = reason;
    }
}

/// <summary>An element the engine uses that could not be read: where (FHIRPath, "Observation.value.value")
/// and why (Firely's words, or ours for an empty string or an invalid dateTime).</summary>
public sealed record RecordFault(string Element, string Reason);
