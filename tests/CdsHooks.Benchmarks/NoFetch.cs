using CdsHooks.Service.Hooks;
using CdsHooks.Service.Prefetch;

namespace CdsHooks.Benchmarks;

/// <summary>Benchmarks use complete prefetch: a fetch would be a bug in the scenario, so it fails loudly.</summary>
internal sealed class NoFetch : IFhirFetcher
{
    public Task<FetchResult> FetchAsync(Uri fhirServer, FhirAuthorization? authorization, string query, CancellationToken cancellationToken) =>
        Task.FromResult<FetchResult>(new FetchResult.Failure("benchmarks do not call a FHIR server"));
}
