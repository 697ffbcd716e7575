namespace CdsHooks.Service.Prefetch;

/// <summary>What <see cref="PrefetchResolver"/> needs of a hook call: whom to read for, where from, with which
/// token, the service's prefetch templates, and the prefetch values the client sent.</summary>
/// <param name="Templates">The service's prefetch templates by key ("Condition?patient={{context.patientId}}").</param>
/// <param name="Prefetch">The values sent, by key; an absent key is not in the dictionary.</param>
public sealed record PrefetchRequest(
    string HookInstance,
    string PatientId,
    Uri? FhirServer,
    FhirAuthorization? FhirAuthorization,
    IReadOnlyDictionary<string, string> Templates,
    IReadOnlyDictionary<string, PrefetchValue> Prefetch);
