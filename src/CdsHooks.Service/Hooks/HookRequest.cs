using CdsHooks.Service.Prefetch;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Hooks;

/// <summary>A hook call that passed validation.</summary>
/// <param name="Tolerated">FHIR elements that could not be read and that no rule reads ("MedicationRequest.category"):
/// the call is answered normally; they are logged and counted.</param>
public sealed record HookRequest(
    CdsServiceDefinition Service,
    string HookInstance,
    string PatientId,
    string? UserId,
    Uri? FhirServer,
    FhirAuthorization? FhirAuthorization,
    Bundle DraftOrders,
    IReadOnlyList<string> Selections,
    IReadOnlyDictionary<string, PrefetchValue> Prefetch,
    IReadOnlyList<string> Tolerated)
{
    /// <summary>What the prefetch resolver needs of this call.</summary>
    public PrefetchRequest ForPrefetch() => new(HookInstance, PatientId, FhirServer, FhirAuthorization, Service.Prefetch, Prefetch);
}
