using CdsHooks.Engine.Patients;
using CdsHooks.Fhir;
using CdsHooks.Service.Hooks;

namespace CdsHooks.Service.Prefetch;

/// <summary>
/// Turns prefetch into <see cref="PatientData"/>. Each key has four states (CDS Hooks 2.0 item 28):
/// absent → fetch from fhirServer; null → no data, not fetched; a resource or Bundle → used;
/// an OperationOutcome → the client failed, fetch it. Every fetch runs in parallel; a kind that
/// cannot be obtained is marked unavailable so that cards say what was not checked.
/// </summary>
public sealed class PrefetchResolver(IFhirFetcher fetcher)
{
    private static readonly (string Key, DataKind Kind)[] Keys =
    [
        (PrefetchKeys.Patient, DataKind.Patient),
        (PrefetchKeys.Conditions, DataKind.Conditions),
        (PrefetchKeys.Observations, DataKind.Observations),
        (PrefetchKeys.MedicationRequests, DataKind.MedicationRequests),
        (PrefetchKeys.MedicationStatements, DataKind.MedicationStatements),
        (PrefetchKeys.MedicationAdministrations, DataKind.MedicationAdministrations),
    ];

    public async Task<PatientData> ResolveAsync(HookRequest request, CancellationToken cancellationToken)
    {
        var tasks = Keys.Select(k => ResolveKeyAsync(request, k.Key, cancellationToken)).ToArray();
        var results = await Task.WhenAll(tasks).ConfigureAwait(false);

        var resources = new List<Resource>();
        var unavailable = new HashSet<DataKind>();
        for (var i = 0; i < Keys.Length; i++)
        {
            if (results[i] is { } found)
            {
                resources.AddRange(found);
            }
            else
            {
                unavailable.Add(Keys[i].Kind);
            }
        }

        return new PatientData
        {
            Patient = resources.OfType<Patient>().FirstOrDefault(),
            Conditions = [.. resources.OfType<Condition>()],
            Observations = [.. resources.OfType<Observation>()],
            MedicationRequests = [.. resources.OfType<MedicationRequest>()],
            MedicationStatements = [.. resources.OfType<MedicationStatement>()],
            MedicationAdministrations = [.. resources.OfType<MedicationAdministration>()],
            Medications = [.. resources.OfType<Medication>()],
            Unavailable = unavailable,
        };
    }

    /// <summary>The resources for one key, or null when they could not be obtained.</summary>
    private async Task<IReadOnlyList<Resource>?> ResolveKeyAsync(HookRequest request, string key, CancellationToken cancellationToken)
    {
        switch (request.Prefetch.GetValueOrDefault(key))
        {
            case PrefetchValue.NoData:
                return [];
            case PrefetchValue.Data data:
                return Flatten(data.Resource);
        }

        // Absent, or the client reported an error: ask the FHIR server if there is one.
        if (request.FhirServer is null)
        {
            return null;
        }

        var query = request.Service.Prefetch[key].Replace("{{context.patientId}}", Uri.EscapeDataString(request.PatientId), StringComparison.Ordinal);
        var result = await fetcher.FetchAsync(request.FhirServer, request.FhirAuthorization, query, cancellationToken).ConfigureAwait(false);
        return result is FetchResult.Success success ? Flatten(success.Resource) : null;
    }

    private static List<Resource> Flatten(Resource? resource) => resource switch
    {
        null => [],
        Bundle bundle => [.. (bundle.Entry ?? []).Select(e => e.Resource).OfType<Resource>().Where(r => r is not OperationOutcome)],
        OperationOutcome => [],
        _ => [resource],
    };
}

/// <summary>Used when no FHIR server access is configured: every fetch fails, nothing is guessed.</summary>
public sealed class NoFhirFetcher : IFhirFetcher
{
    public Task<FetchResult> FetchAsync(Uri fhirServer, FhirAuthorization? authorization, string relativeQuery, CancellationToken cancellationToken) =>
        Task.FromResult<FetchResult>(new FetchResult.Failure("FHIR server access is not configured"));
}
