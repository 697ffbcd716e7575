namespace CdsHooks.Service.Prefetch;

/// <summary>The prefetch keys every service declares (CDS Hooks 2.0 §Prefetch template).</summary>
public static class PrefetchKeys
{
    public const string Patient = "patient";
    public const string Conditions = "conditions";
    public const string Observations = "observations";
    public const string MedicationRequests = "medicationRequests";
    public const string MedicationStatements = "medicationStatements";
    public const string MedicationAdministrations = "medicationAdministrations";
}
