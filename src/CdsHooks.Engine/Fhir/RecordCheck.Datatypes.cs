using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Fhir;

/// <summary>How each FHIR datatype the engine reads is read up front: every element of it that a rule may use,
/// through Firely's typed getters (which throw on a value kept aside), plus the two checks Firely does not make
/// while reading: no empty strings, and dates the engine can read.</summary>
public static partial class RecordCheck
{
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
}
