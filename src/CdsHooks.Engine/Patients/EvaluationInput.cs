using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

public enum HookKind
{
    OrderSelect,
    OrderSign,
}

/// <summary>One hook call, already parsed and validated by the host.</summary>
/// <param name="DraftOrders">The draftOrders Bundle.</param>
/// <param name="Selections">order-select: "MedicationRequest/id" references; empty for order-sign.</param>
public sealed record EvaluationInput(
    HookKind Hook,
    string PatientId,
    Bundle DraftOrders,
    IReadOnlyList<string> Selections,
    PatientData Data);
