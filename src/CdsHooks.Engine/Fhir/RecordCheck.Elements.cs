using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Fhir;

/// <summary>
/// The elements the engine reads, resource by resource: what <see cref="RecordCheck"/> reads up front, and what
/// <see cref="RecordCheck.Uses"/> answers for a fault the deserializer reported. A rule that starts reading another
/// element adds it here, so that a fault in it is caught before the rule runs.
/// </summary>
public static partial class RecordCheck
{
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
}
