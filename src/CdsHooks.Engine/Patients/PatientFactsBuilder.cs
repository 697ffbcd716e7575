
namespace CdsHooks.Engine.Patients;

/// <summary>Derives patient facts once per call: disease and treatment sequence, then measurements.</summary>
internal static class PatientFactsBuilder
{
    public static PatientFacts Build(EvaluationInput input, Regimen regimen, DateTimeOffset now)
    {
        var facts = new PatientFacts
        {
            NotObtained = input.Data.Unavailable.Count == 0 ? [] : [.. input.Data.Unavailable.Order().Select(Describe)],
            Unreadable = [.. input.Data.Unreadable],
        };
        facts = DiseaseFacts.Add(facts, input, regimen, now);
        facts = MeasurementFacts.Add(facts, input, now);
        return facts;
    }

    internal static string Describe(DataKind kind) => kind switch
    {
        DataKind.Patient => "the patient record",
        DataKind.Conditions => "diagnoses (conditions)",
        DataKind.Observations => "receptor status, weight and laboratory results (observations)",
        DataKind.MedicationRequests => "medication orders",
        DataKind.MedicationStatements => "medication statements",
        _ => "medication administrations",
    };
}
