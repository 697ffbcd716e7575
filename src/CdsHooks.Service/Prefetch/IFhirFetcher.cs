using Hl7.Fhir.Model;

namespace CdsHooks.Service.Prefetch;

/// <summary>Reads from the EHR's FHIR server what prefetch did not bring.</summary>
public interface IFhirFetcher
{
    /// <param name="fhirServer">The request's fhirServer, already allowed by <see cref="FhirServerPolicy"/>.</param>
    /// <param name="query">A prefetch template with its tokens filled ("Condition?patient=123"), or the
    /// absolute <c>next</c> link of a searchset page, which must lie under <paramref name="fhirServer"/>.</param>
    /// <param name="cancellationToken">The hook's deadline and the caller's abort; cancellation is thrown, not returned.</param>
    Task<FetchResult> FetchAsync(Uri fhirServer, FhirAuthorization? authorization, string query, CancellationToken cancellationToken);
}

public abstract record FetchResult
{
    /// <summary>The server answered: one page (a resource or a Bundle), or nothing (404 on a read).</summary>
    /// <param name="Unreadable">Records of the page left out (see <see cref="PrefetchValue.Data"/>).</param>
    public sealed record Success(Resource? Resource, IReadOnlyList<string> Unreadable) : FetchResult;

    /// <summary>The data could not be obtained; <see cref="Reason"/> is for the log and the 412 body:
    /// it never holds a token or a patient identifier.</summary>
    public sealed record Failure(string Reason) : FetchResult;
}
