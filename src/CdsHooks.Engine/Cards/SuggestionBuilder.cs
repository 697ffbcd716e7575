using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// Builds a suggestion's actions. A substitution deletes the draft (resourceId) and creates complete
/// draft MedicationRequests (RxNorm coding and text, subject, dosage); CDS Hooks processes deletes
/// first, then creates. A suggestion that would act on nothing in this session is not offered.
/// </summary>
internal static class SuggestionBuilder
{
    /// <summary>What each order template creates, built once per knowledge load (see <see cref="NewOrder"/>).</summary>
    public static FrozenDictionary<string, NewOrder> NewOrders(KnowledgeBase knowledge) =>
        knowledge.OrderTemplates.ToFrozenDictionary(t => t.Key, t => NewOrder.From(t.Value), StringComparer.Ordinal);

    public static Suggestion? Build(
        SuggestionDefinition definition, Finding finding, EvaluationInput input, IReadOnlyDictionary<string, NewOrder> orders,
        Func<string, Finding, bool, string> fill)
    {
        var actions = new List<CdsAction>();
        var target = definition.Replace ?? definition.Remove;
        var drafts = target is null
            ? []
            : finding.Bindings.GetValueOrDefault(target).Where(i => i.Origin == Origin.Draft && i.ResourceId is not null).ToList();
        if (target is not null && drafts.Count == 0)
        {
            return null; // the drug to replace is not an order in this session (e.g. current therapy)
        }

        foreach (var draft in drafts)
        {
            actions.Add(new CdsAction
            {
                Type = "delete",
                Description = $"Remove the draft order for {draft.Display}",
                ResourceId = draft.Reference,
            });
        }

        var model = drafts.Select(d => d.Resource).OfType<MedicationRequest>().FirstOrDefault();
        Create(definition.With);
        Create(definition.Add);

        return new Suggestion
        {
            Label = fill(definition.Label, finding, false),
            Uuid = CardUuid.New(),
            IsRecommended = definition.Recommended ? true : null,
            Actions = actions,
        };

        void Create(ImmutableArray<string> templateIds)
        {
            foreach (var templateId in templateIds)
            {
                var order = orders[templateId];
                actions.Add(new CdsAction { Type = "create", Description = order.Description, Resource = order.Create(model, input.PatientId) });
            }
        }
    }

}

/// <summary>
/// What an order template creates: the drug and the dosage of the new draft MedicationRequest and the
/// action's description, which depend only on the template. Built once per knowledge load; Firely's objects
/// are mutable, so each new draft gets its own copy of them.
/// </summary>
internal sealed record NewOrder(string Description, CodeableConcept Medication, IReadOnlyList<Dosage> DosageInstruction)
{
    public static NewOrder From(OrderTemplate template)
    {
        var (period, unit) = template.EveryWeeks is { } w ? (w, Timing.UnitsOfTime.Wk) : template.EveryDays is { } d ? (d, Timing.UnitsOfTime.D) : (0, (Timing.UnitsOfTime?)null);
        return new NewOrder(
            $"Order {template.Text}: {template.DosageText}",
            new CodeableConcept
            {
                Coding = [new Coding { System = CodeSystems.RxNorm, Code = template.RxNormCode, Display = template.RxNormDisplay }],
                Text = template.Text,
            },
            [
                new Dosage
                {
                    Text = template.DosageText,
                    Timing = unit is null ? null : new Timing { Repeat = new Timing.RepeatComponent { Frequency = 1, Period = period, PeriodUnit = unit } },
                    Route = template.Route is null ? null : new CodeableConcept { Text = template.Route },
                    DoseAndRate = template.DoseValue is { } value && template.DoseUnit is { } doseUnit
                        ? [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = value, Unit = doseUnit, System = CodeSystems.Ucum, Code = doseUnit } }]
                        : [],
                },
            ]);
    }

    /// <summary>The new draft for the patient, in the encounter and for the requester of the order it replaces.</summary>
    public MedicationRequest Create(MedicationRequest? replaced, string patientId) => new()
    {
        Status = MedicationRequest.MedicationrequestStatus.Draft,
        Intent = MedicationRequest.MedicationRequestIntent.Order,
        Medication = (CodeableConcept)Medication.DeepCopy(),
        // A subject given only by identifier (a logical reference) is not copied: the new draft names the patient.
        Subject = replaced?.Subject is { Reference.Length: > 0 } subject
            ? (ResourceReference)subject.DeepCopy()
            : new ResourceReference("Patient/" + patientId),
        Encounter = (ResourceReference?)replaced?.Encounter?.DeepCopy(),
        Requester = (ResourceReference?)replaced?.Requester?.DeepCopy(),
        DosageInstruction = [.. DosageInstruction.Select(d => (Dosage)d.DeepCopy())],
    };
}
