using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
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
/// Observation.value[x] and codes. The lists below are those reads, element by element.</para>
/// </summary>
public static class RecordCheck
{
    /// <summary>The first element the engine uses that cannot be read, as "Type.element: why"; null when all can.</summary>
    public static RecordFault? FirstFault(Resource resource) => resource switch
    {
        MedicationRequest r => Check(r, Request),
        MedicationStatement s => Check(s, Statement),
        MedicationAdministration a => Check(a, Administration),
        Medication m => Check(m, MedicationElements),
        Condition c => Check(c, ConditionElements),
        Observation o => Check(o, ObservationElements),
        _ => null,
    };

    /// <summary>Whether the engine reads this element of this resource type ("Observation", "value"; choice
    /// elements without their type suffix, as Firely's paths name them).</summary>
    public static bool Uses(string resourceType, string element) =>
        Used.TryGetValue(resourceType, out var elements) && elements.Contains(element);

    private static HashSet<string> Names<T>((string Element, Action<T> Read)[] elements) =>
        [.. elements.Select(e => e.Element.Replace("[x]", string.Empty, StringComparison.Ordinal)), "id"];

    private static RecordFault? Check<T>(T resource, (string Element, Action<T> Read)[] elements)
        where T : Resource
    {
        foreach (var (element, read) in elements)
        {
            try
            {
                read(resource);
            }
            catch (CodedValidationException ex)
            {
                return new RecordFault(resource.TypeName + "." + element, ex.Message);
            }
            catch (FormatException ex)
            {
                return new RecordFault(resource.TypeName + "." + element, ex.Message);
            }
        }

        return null;
    }

    private static readonly (string, Action<MedicationRequest>)[] Request =
    [
        ("contained", r => Contained(r.Contained)),
        ("status", r => _ = r.Status),
        ("statusReason", r => Concept(r.StatusReason)),
        ("medication[x]", r => Value(r.Medication)),
        ("subject", r => Reference(r.Subject)),
        ("encounter", r => Reference(r.Encounter)),
        ("requester", r => Reference(r.Requester)),
        ("authoredOn", r => DateTime(r.AuthoredOnElement)),
        ("dosageInstruction", r => Dosages(r.DosageInstruction)),
    ];

    private static readonly (string, Action<MedicationStatement>)[] Statement =
    [
        ("contained", s => Contained(s.Contained)),
        ("status", s => _ = s.Status),
        ("statusReason", s => Concepts(s.StatusReason)),
        ("medication[x]", s => Value(s.Medication)),
        ("effective[x]", s => Value(s.Effective)),
    ];

    private static readonly (string, Action<MedicationAdministration>)[] Administration =
    [
        ("contained", a => Contained(a.Contained)),
        ("status", a => _ = a.Status),
        ("medication[x]", a => Value(a.Medication)),
        ("effective[x]", a => Value(a.Effective)),
    ];

    private static readonly (string, Action<Medication>)[] MedicationElements =
    [
        ("code", m => Concept(m.Code)),
        ("ingredient", m => m.Ingredient.ForEach(i => Value(i.Item))),
    ];

    private static readonly (string, Action<Condition>)[] ConditionElements =
    [
        ("clinicalStatus", c => Concept(c.ClinicalStatus)),
        ("verificationStatus", c => Concept(c.VerificationStatus)),
        ("code", c => Concept(c.Code)),
        ("onset[x]", c => Value(c.Onset)),
        ("recordedDate", c => DateTime(c.RecordedDateElement)),
        ("stage", c => c.Stage.ForEach(s => Concept(s.Summary))),
    ];

    private static readonly (string, Action<Observation>)[] ObservationElements =
    [
        ("status", o => _ = o.Status),
        ("code", o => Concept(o.Code)),
        ("effective[x]", o => Value(o.Effective)),
        ("issued", o => _ = o.Issued),
        ("value[x]", o => Value(o.Value)),
        ("referenceRange", o => o.ReferenceRange.ForEach(r => Quantity(r.High))),
    ];

    // After the element lists: static fields are initialised in the order they are written.
    private static readonly Dictionary<string, HashSet<string>> Used = new(StringComparer.Ordinal)
    {
        ["MedicationRequest"] = Names(Request),
        ["MedicationStatement"] = Names(Statement),
        ["MedicationAdministration"] = Names(Administration),
        ["Medication"] = Names(MedicationElements),
        ["Condition"] = Names(ConditionElements),
        ["Observation"] = Names(ObservationElements),
    };

    private static void Contained(List<Resource> contained)
    {
        foreach (var resource in contained)
        {
            if (resource is Medication medication && Check(medication, MedicationElements) is { } fault)
            {
                throw new FormatException($"contained {fault.Element}: {fault.Reason}");
            }
        }
    }

    private static void Value(DataType? value)
    {
        switch (value)
        {
            case CodeableConcept concept:
                Concept(concept);
                break;
            case Quantity quantity:
                Quantity(quantity);
                break;
            case Hl7.Fhir.Model.Range range:
                Quantity(range.Low);
                Quantity(range.High);
                break;
            case Period period:
                DateTime(period.StartElement);
                DateTime(period.EndElement);
                break;
            case FhirDateTime dateTime:
                DateTime(dateTime);
                break;
            case ResourceReference reference:
                Reference(reference);
                break;
            case FhirString text:
                _ = text.Value;
                break;
            case FhirBoolean flag:
                _ = flag.Value;
                break;
            case Instant instant:
                _ = instant.Value;
                break;
        }
    }

    private static void Concepts(List<CodeableConcept> concepts) => concepts.ForEach(Concept);

    private static void Concept(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return;
        }

        foreach (var coding in concept.Coding)
        {
            _ = coding.System;
            _ = coding.Code;
            _ = coding.Display;
        }

        _ = concept.Text;
    }

    private static void Quantity(Quantity? quantity)
    {
        if (quantity is null)
        {
            return;
        }

        _ = quantity.Value;
        _ = quantity.Comparator;
        _ = quantity.Unit;
        _ = quantity.System;
        _ = quantity.Code;
    }

    private static void Reference(ResourceReference? reference)
    {
        _ = reference?.Reference;
        _ = reference?.Display;
    }

    /// <summary>A dateTime the engine will read as an instant: it must be a FHIR dateTime literal.</summary>
    private static void DateTime(PrimitiveType? value)
    {
        if (value?.JsonValue is null)
        {
            return;
        }

        if (value.JsonValue is not string literal || !FhirDateTime.IsValidValue(literal))
        {
            throw new FormatException($"'{value.JsonValue}' is not a FHIR dateTime");
        }
    }

    private static void Dosages(List<Dosage> dosages)
    {
        foreach (var dosage in dosages)
        {
            _ = dosage.Text;
            Concept(dosage.Route);
            if (dosage.Timing is { } timing)
            {
                Concept(timing.Code);
                if (timing.Repeat is { } repeat)
                {
                    Value(repeat.Bounds);
                    _ = repeat.Count;
                    _ = repeat.Frequency;
                    _ = repeat.Period;
                    _ = repeat.PeriodUnit;
                }
            }

            foreach (var rate in dosage.DoseAndRate)
            {
                Concept(rate.Type);
                Value(rate.Dose);
            }
        }
    }
}

/// <summary>An element the engine uses that could not be read: where (FHIR element path) and why (Firely's words).</summary>
public sealed record RecordFault(string Element, string Reason);
