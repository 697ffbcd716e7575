using System.Diagnostics;
using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Prefetch;

// One key: from the prefetch as sent, or read from the FHIR server (following next pages) under the deadline.
public sealed partial class PrefetchResolver
{
    private async ValueTask<KeyResult> ResolveKeyAsync(Access access, string key)
    {
        var value = access.Request.Prefetch.GetValueOrDefault(key);
        switch (value)
        {
            case PrefetchValue.NoData:
                return new KeyResult([], null, []);
            case PrefetchValue.Data { Resource: Bundle bundle } data when NextLink(bundle) is { } next:
                return await FollowPagesAsync(access, key, Flatten(bundle), next, 1, [.. data.Unreadable]).ConfigureAwait(false);
            case PrefetchValue.Data data:
                return new KeyResult(Flatten(data.Resource), null, data.Unreadable);
        }

        // Absent, or the client reported an error: ask the FHIR server if we may.
        var clientFailed = value is PrefetchValue.ClientError;
        if (access.Server is null)
        {
            return new KeyResult([], (clientFailed ? "the EHR reported an error for this prefetch; " : "not prefetched; ") + access.ServerProblem, []);
        }

        var query = access.Request.Templates[key]
            .Replace("{{context.patientId}}", Uri.EscapeDataString(access.Request.PatientId), StringComparison.Ordinal);
        var first = await FetchAsync(access, key, query).ConfigureAwait(false);
        return first switch
        {
            FetchResult.Success { Resource: Bundle bundle } success when NextLink(bundle) is { } next =>
                await FollowPagesAsync(access, key, Flatten(bundle), next, 1, [.. success.Unreadable]).ConfigureAwait(false),
            FetchResult.Success success => new KeyResult(Flatten(success.Resource), null, success.Unreadable),
            FetchResult.Failure failure => new KeyResult([], failure.Reason, []),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>Follows <c>next</c> links, at most <see cref="FhirAccessOptions.MaxPages"/> pages in all,
    /// only under fhirServer, with the same token. A searchset that cannot be read to its end is incomplete.</summary>
    private async Task<KeyResult> FollowPagesAsync(
        Access access, string key, List<Resource> resources, string next, int pages, List<string> unreadable)
    {
        while (true)
        {
            if (pages >= options.Value.MaxPages)
            {
                return new KeyResult(resources, $"the search has more than {options.Value.MaxPages} pages; only the first {pages} were read", unreadable);
            }

            if (access.Server is null)
            {
                return new KeyResult(resources, "the search is paginated and its next pages cannot be read: " + access.ServerProblem, unreadable);
            }

            var page = await FetchAsync(access, key, next).ConfigureAwait(false);
            if (page is FetchResult.Failure failure)
            {
                return new KeyResult(resources, $"page {pages + 1} of the search could not be read: {failure.Reason}", unreadable);
            }

            var bundle = (page as FetchResult.Success)?.Resource as Bundle;
            resources.AddRange(Flatten(bundle));
            unreadable.AddRange((page as FetchResult.Success)?.Unreadable ?? []);
            pages++;
            if (bundle is null || NextLink(bundle) is not { } following)
            {
                return new KeyResult(resources, null, unreadable);
            }

            next = following;
        }
    }

    private async Task<FetchResult> FetchAsync(Access access, string key, string query)
    {
        var started = Stopwatch.GetTimestamp();
        FetchResult result;
        try
        {
            result = await access.Fetcher.FetchAsync(access.Server!, access.Request.FhirAuthorization, query, access.Deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!access.Aborted.IsCancellationRequested)
        {
            result = new FetchResult.Failure($"the FHIR server did not answer within the hook's budget ({options.Value.TimeoutMs} ms)");
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (result is FetchResult.Failure failure)
        {
            PrefetchLog.FetchFailed(logger, key, FhirServerPolicy.Authority(access.Server!), failure.Reason, elapsed);
        }
        else
        {
            PrefetchLog.Fetched(logger, key, FhirServerPolicy.Authority(access.Server!), elapsed);
        }

        return result;
    }

    private static List<Resource> Flatten(Resource? resource)
    {
        switch (resource)
        {
            case null or OperationOutcome:
                return [];
            case Bundle bundle:
                var entries = bundle.Entry;
                var resources = new List<Resource>(entries.Count);
                foreach (var entry in entries)
                {
                    if (entry.Resource is { } r and not OperationOutcome)
                    {
                        resources.Add(r);
                    }
                }

                return resources;
            default:
                return [resource];
        }
    }


    /// <summary>The <c>next</c> page of a searchset, if the server paginated it (Bundle.link, relation "next"). Read as
    /// the string sent: Firely's <c>Bundle.NextLink</c> makes a <see cref="Uri"/>, which throws on a malformed link.</summary>
    private static string? NextLink(Bundle bundle)
    {
        foreach (var link in bundle.Link)
        {
            if (link.Relation == "next" && !string.IsNullOrWhiteSpace(link.Url))
            {
                return link.Url;
            }
        }

        return null;
    }

    private sealed record KeyResult(List<Resource> Resources, string? Problem, IReadOnlyList<string> Unreadable);
}
