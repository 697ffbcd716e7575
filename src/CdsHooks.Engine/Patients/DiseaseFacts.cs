
namespace CdsHooks.Engine.Patients;

/// <summary>Receptors (ER, PR, HER2), metastatic disease and its onset, visceral sites, line of
/// therapy for metastatic disease, and drugs the patient progressed on. Each area has its own file;
/// the line of therapy needs the metastatic onset, so it comes last.</summary>
internal static class DiseaseFacts
{
    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, Regimen regimen, DateTimeOffset now)
    {
        var data = input.Data;
        facts = ReceptorFacts.Add(facts, data);
        facts = MetastaticFacts.Add(facts, data);
        facts = facts with { LineOfTherapy = LineOfTherapy.Determine(facts, regimen, data, now) };
        return ProgressionFacts.Add(facts, regimen);
    }
}
