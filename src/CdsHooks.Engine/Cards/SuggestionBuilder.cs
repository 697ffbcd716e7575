using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;
using CdsHooks.Fhir;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// Builds a suggestion's actions. A substitution deletes the draft (resourceId) and creates complete
/// draft MedicationRequests (RxNorm coding and text, subject, dosage); CDS Hooks processes deletes
/// first, then creates. A suggestion that would act on nothing in this session is not offered.
/// </summary>
internal static class SuggestionBuilder
{
    public static Suggestion? Build(
        SuggestionDefinition definition, Finding finding, EvaluationInput input, KnowledgeBase knowledge,
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
        foreach (var templateId in definition.With.Concat(definition.Add))
        {
            var template = knowledge.OrderTemplates[templateId];
            actions.Add(new CdsAction
            {
                Type = "create",
                Description = $"Order {template.Text}: {template.DosageText}",
                Resource = Create(template, model, input.PatientId),
            });
        }

        return new Suggestion
        {
            Label = fill(definition.Label, finding, false),
            Uuid = Guid.NewGuid().ToString(),
            IsRecommended = definition.Recommended ? true : null,
            Actions = actions,
        };
    }

    private static MedicationRequest Create(OrderTemplate template, MedicationRequest? replaced, string patientId)
    {
        var (period, unit) = template.EveryWeeks is { } w ? (w, "wk") : template.EveryDays is { } d ? (d, "d") : (0, null);
        return new MedicationRequest
        {
            Status = "draft",
            Intent = "order",
            MedicationCodeableConcept = new CodeableConcept
            {
                Coding = [new Coding { System = CodeSystems.RxNorm, Code = template.RxNormCode, Display = template.RxNormDisplay }],
                Text = template.Text,
            },
            Subject = replaced?.Subject ?? new Reference { ReferenceValue = "Patient/" + patientId },
            Encounter = replaced?.Encounter,
            Requester = replaced?.Requester,
            DosageInstruction =
            [
                new Dosage
                {
                    Text = template.DosageText,
                    Timing = unit is null ? null : new Timing { Repeat = new TimingRepeat { Frequency = 1, Period = period, PeriodUnit = unit } },
                    Route = template.Route is null ? null : new CodeableConcept { Text = template.Route },
                    DoseAndRate = template.DoseValue is { } value && template.DoseUnit is { } doseUnit
                        ? [new DoseAndRate { DoseQuantity = new Quantity { Value = value, Unit = doseUnit, System = CodeSystems.Ucum, Code = doseUnit } }]
                        : null,
                },
            ],
        };
    }
}
