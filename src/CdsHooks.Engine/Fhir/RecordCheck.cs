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
public static class RecordCheck
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

    /// <summary>Every resource: references to it (selections, medicationReference, card text) use its id.</summary>
    private static readonly (string, Action<Resource>)[] Identity =
    [
        ("id", r => Step(string.Empty, r.IdElement, Text)),
    ];

    private static readonly (string, Action<MedicationRequest>)[] Request =
    [
        ("contained", r => Each(r.Contained, ContainedMedication)),
        ("status", r => _ = r.Status),
        ("statusReason", r => Concept(r.StatusReason)),
        ("medication", r => Value(r.Medication)),
        ("subject", r => Reference(r.Subject)),
        ("encounter", r => Reference(r.Encounter)),
        ("requester", r => Reference(r.Requester)),
        ("authoredOn", r => DateTime(r.AuthoredOnElement)),
        ("dosageInstruction", r => Each(r.DosageInstruction, Dosage)),
    ];

    private static readonly (string, Action<MedicationStatement>)[] Statement =
    [
        ("contained", s => Each(s.Contained, ContainedMedication)),
        ("status", s => _ = s.Status),
        ("statusReason", s => Each(s.StatusReason, Concept)),
        ("medication", s => Value(s.Medication)),
        ("effective", s => Value(s.Effective)),
    ];

    private static readonly (string, Action<MedicationAdministration>)[] Administration =
    [
        ("contained", a => Each(a.Contained, ContainedMedication)),
        ("status", a => _ = a.Status),
        ("medication", a => Value(a.Medication)),
        ("effective", a => Value(a.Effective)),
    ];

    private static readonly (string, Action<Medication>)[] MedicationElements =
    [
        ("code", m => Concept(m.Code)),
        ("ingredient", m => Each(m.Ingredient, i => Step(".item", i, static i => Value(i.Item)))),
    ];

    private static readonly (string, Action<Condition>)[] ConditionElements =
    [
        ("clinicalStatus", c => Concept(c.ClinicalStatus)),
        ("verificationStatus", c => Concept(c.VerificationStatus)),
        ("code", c => Concept(c.Code)),
        ("onset", c => Value(c.Onset)),
        ("recordedDate", c => DateTime(c.RecordedDateElement)),
        ("stage", c => Each(c.Stage, s => Step(".summary", s, static s => Concept(s.Summary)))),
    ];

    private static readonly (string, Action<Observation>)[] ObservationElements =
    [
        ("status", o => _ = o.Status),
        ("code", o => Concept(o.Code)),
        ("effective", o => Value(o.Effective)),
        ("issued", o => _ = o.Issued),
        ("value", o => Value(o.Value)),
        ("referenceRange", o => Each(o.ReferenceRange, r => Step(".high", r, static r => Quantity(r.High)))),
    ];

    /// <summary>A Bundle's own structure (its entries' resources are checked one by one by the caller): the entry list,
    /// each entry's fullUrl (medicationReference may point to it) and resource, and the paging links.</summary>
    private static readonly (string, Action<Bundle>)[] BundleElements =
    [
        ("entry", b => Each(b.Entry, static e =>
        {
            Step(".fullUrl", e.FullUrlElement, Text);
            Step(".resource", e, static e => _ = e.Resource);
        })),
        ("link", b => Each(b.Link, static l =>
        {
            Step(".relation", l.RelationElement, Text);
            Step(".url", l.UrlElement, Text);
        })),
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
        ["Bundle"] = Names(BundleElements),
    };

    private static HashSet<string> Names<T>((string Element, Action<T> Read)[] elements) =>
        [.. elements.Select(e => e.Element), "id"];

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
                Step(".low", range, static r => Quantity(r.Low));
                Step(".high", range, static r => Quantity(r.High));
                break;
            case Period period:
                Step(".start", period, static p => DateTime(p.StartElement));
                Step(".end", period, static p => DateTime(p.EndElement));
                break;
            case FhirDateTime dateTime:
                DateTime(dateTime);
                break;
            case ResourceReference reference:
                Reference(reference);
                break;
            case FhirString text:
                Text(text);
                break;
            case FhirBoolean flag:
                _ = flag.Value;
                break;
            case Instant instant:
                _ = instant.Value;
                break;
        }
    }

    private static void Concept(CodeableConcept? concept)
    {
        if (concept is null)
        {
            return;
        }

        Step(".coding", concept, static c => Each(c.Coding, Coding));
        Step(".text", concept.TextElement, Text);
    }

    private static void Coding(Coding coding)
    {
        Step(".system", coding.SystemElement, Text);
        Step(".code", coding.CodeElement, Text);
        Step(".display", coding.DisplayElement, Text);
    }

    private static void Quantity(Quantity? quantity)
    {
        if (quantity is null)
        {
            return;
        }

        Step(".value", quantity, static q => _ = q.Value);
        Step(".comparator", quantity, static q => _ = q.Comparator);
        Step(".unit", quantity.UnitElement, Text);
        Step(".system", quantity.SystemElement, Text);
        Step(".code", quantity.CodeElement, Text);
    }

    private static void Reference(ResourceReference? reference)
    {
        if (reference is not null)
        {
            Step(".reference", reference.ReferenceElement, Text);
            Step(".display", reference.DisplayElement, Text);
        }
    }

    private static void Dosage(Dosage dosage)
    {
        Step(".text", dosage.TextElement, Text);
        Step(".route", dosage, static d => Concept(d.Route));
        Step(".timing", dosage, static d => Timing(d.Timing));
        Step(".doseAndRate", dosage, static d => Each(d.DoseAndRate, static r =>
        {
            Step(".type", r, static r => Concept(r.Type));
            Step(".dose", r, static r => Value(r.Dose));
        }));
    }

    private static void Timing(Timing? timing)
    {
        if (timing is null)
        {
            return;
        }

        Step(".code", timing, static t => Concept(t.Code));
        if (timing.Repeat is { } repeat)
        {
            Step(".repeat.bounds", repeat, static r => Value(r.Bounds));
            Step(".repeat.count", repeat, static r => _ = r.Count);
            Step(".repeat.frequency", repeat, static r => _ = r.Frequency);
            Step(".repeat.period", repeat, static r => _ = r.Period);
            Step(".repeat.periodUnit", repeat, static r => _ = r.PeriodUnit);
        }
    }

    /// <summary>FHIR JSON: a string is never empty ("" is not a value; leave the element out instead). Firely reads
    /// "" without a word, so it is checked here for the strings the engine reads.</summary>
    private static void Text(PrimitiveType? value)
    {
        if (value?.JsonValue is { } json && json is not string)
        {
            throw new ElementFault(string.Empty, $"expected a string, found {json}");
        }

        if (value?.JsonValue is "")
        {
            throw new ElementFault(string.Empty, "an empty string is not a FHIR value (leave the element out instead)");
        }
    }

    /// <summary>A dateTime the engine will read as an instant: the engine's own reading of it
    /// (<see cref="Patients.FhirDates.Parse"/>) must succeed. Firely's <c>FhirDateTime.IsValidValue</c> would say the
    /// same of FHIR's forms, but allocates 1.7 KB a call; a year of history has a hundred dates.</summary>
    private static void DateTime(PrimitiveType? value)
    {
        if (value?.JsonValue is null)
        {
            return;
        }

        if (value.JsonValue is not string literal || Patients.FhirDates.Parse(literal) is null)
        {
            throw new ElementFault(string.Empty, $"'{value.JsonValue}' is not a FHIR dateTime");
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
