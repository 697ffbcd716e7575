using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// Drugs the patient stopped because the disease progressed: a MedicationRequest.statusReason or a
/// MedicationStatement.statusReason (FHIR R4) whose text or coding display speaks of progression
/// ("progression", "progressive disease", "disease progressed"). Read as words only: no SNOMED CT code
/// for "disease progression" is verified in clinical-facts.md, so none is matched. Negated phrases
/// ("no progression", "progression-free") do not count. Only history counts, never this session's drafts.
/// </summary>
internal static partial class ProgressionFacts
{
    [GeneratedRegex(@"(?<!\b(?:no|not|non|without)[\s-]*)(?>\bprogress\w*)(?![\s-]*free)", RegexOptions.IgnoreCase)]
    private static partial Regex Progression();

    public static PatientFacts Add(PatientFacts facts, Regimen regimen)
    {
        var found = ImmutableArray.CreateBuilder<Fact<string>>(0);
        foreach (var item in regimen.Items)
        {
            // Most of the history is administrations, which have no statusReason: nothing to read.
            if (item.Origin == Origin.Draft || item.Resource is not (MedicationRequest { StatusReason: not null } or MedicationStatement { StatusReason.Count: > 0 }))
            {
                continue;
            }

            var reason = Reasons(item.Resource).SelectMany(ClinicalRecords.Words).FirstOrDefault(SaysProgression);
            if (reason is null)
            {
                continue;
            }

            var text = $"progressed on {item.Display}: \"{reason}\" ({item.Reference ?? item.ResourceType}, " +
                       $"{(item.End is null ? "from " + ClinicalRecords.Day(item.Start) : "stopped " + ClinicalRecords.Day(item.End))})";
            found.AddRange(item.ConceptIds.Order(StringComparer.Ordinal).Select(id => new Fact<string>(id, text)));
        }

        return facts with { Progressions = found.ToImmutable() };
    }

    private static IEnumerable<CodeableConcept> Reasons(Resource resource) => resource switch
    {
        MedicationRequest { StatusReason: { } reason } => [reason],
        MedicationStatement statement => statement.StatusReason,
        _ => [],
    };

    internal static bool SaysProgression(string text) => Progression().IsMatch(text);
}
