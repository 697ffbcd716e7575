using CdsHooks.Fhir;
using CdsHooks.Service.Hooks;

namespace CdsHooks.Service.Prefetch;

/// <summary>Reads from the EHR's FHIR server what prefetch did not bring.</summary>
public interface IFhirFetcher
{
    /// <param name="relativeQuery">A prefetch template with its tokens filled, e.g. "Condition?patient=123".</param>
    Task<FetchResult> FetchAsync(Uri fhirServer, FhirAuthorization? authorization, string relativeQuery, CancellationToken cancellationToken);
}

public abstract record FetchResult
{
    /// <summary>The server answered: a resource, a Bundle (all pages), or nothing (404 on a read).</summary>
    public sealed record Success(Resource? Resource) : FetchResult;

    /// <summary>The data could not be obtained; <see cref="Reason"/> is for the log, never holds a token.</summary>
    public sealed record Failure(string Reason) : FetchResult;
}
