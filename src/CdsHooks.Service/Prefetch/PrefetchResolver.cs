using System.Diagnostics;
using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Prefetch;

/// <summary>The patient data for one hook call, and why each missing kind is missing.</summary>
/// <param name="Problems">Kinds that could not be obtained completely, with the reason (no secret,
/// no patient identifier). Every kind here is also in <c>Data.Unavailable</c>.</param>
public sealed record ResolvedData(PatientData Data, IReadOnlyDictionary<DataKind, string> Problems);

/// <summary>
/// Turns prefetch into <see cref="PatientData"/>. Each key has four states (CDS Hooks 2.0 item 28):
/// absent → fetch from fhirServer; null → no data, not fetched; a resource or Bundle → used (a
/// paginated searchset's <c>next</c> links are followed, item 27); an OperationOutcome → the client
/// failed, fetch it. Partial prefetch is the normal case. Every fetch runs in parallel under one
/// deadline (<see cref="FhirAccessOptions.TimeoutMs"/>), so the FHIR server adds about one round trip
/// and never more than the deadline. A kind that cannot be obtained completely is marked unavailable
/// (what was read is kept: it can only add findings), so that cards say what was not checked.
/// </summary>
/// <remarks>One instance for the service. The FHIR client (<paramref name="fetchers"/>, a typed HttpClient from the
/// factory) is created only for a call that reads from the server: a complete prefetch, the usual case, needs none.</remarks>
public sealed class PrefetchResolver(
    Func<IFhirFetcher> fetchers,
    FhirServerPolicy policy,
    IOptions<FhirAccessOptions> options,
    ILogger<PrefetchResolver> logger)
{
    internal static readonly (string Key, DataKind Kind)[] Keys =
    [
        (PrefetchKeys.Patient, DataKind.Patient),
        (PrefetchKeys.Conditions, DataKind.Conditions),
        (PrefetchKeys.Observations, DataKind.Observations),
        (PrefetchKeys.MedicationRequests, DataKind.MedicationRequests),
        (PrefetchKeys.MedicationStatements, DataKind.MedicationStatements),
        (PrefetchKeys.MedicationAdministrations, DataKind.MedicationAdministrations),
    ];

    private static readonly IReadOnlySet<DataKind> NothingUnavailable = System.Collections.Frozen.FrozenSet<DataKind>.Empty;

    public async Task<ResolvedData> ResolveAsync(PrefetchRequest request, CancellationToken cancellationToken)
    {
        var server = UsableServer(request, out var serverProblem);

        // The deadline is a timer: armed only when some key may be read from the server (a complete prefetch,
        // the usual case, needs none). The FHIR client is made on the first read (Access.Fetcher).
        using var deadline = server is not null && AnyMayFetch(request)
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
            : null;
        deadline?.CancelAfter(options.Value.TimeoutMs);
        var access = new Access(request, server, serverProblem, fetchers, deadline?.Token ?? cancellationToken, cancellationToken);

        // Every key is started before any is awaited, so reads from the server run side by side; a key settled
        // from the prefetch completes at once, without a task.
        var pending = new ValueTask<KeyResult>[Keys.Length];
        for (var i = 0; i < Keys.Length; i++)
        {
            pending[i] = ResolveKeyAsync(access, Keys[i].Key);
        }

        var results = new KeyResult[Keys.Length];
        for (var i = 0; i < Keys.Length; i++)
        {
            results[i] = await pending[i].ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested(); // the caller went away: nobody to answer

        var problems = new Dictionary<DataKind, string>();
        Patient? patient = null;
        List<Condition> conditions = [];
        List<Observation> observations = [];
        List<MedicationRequest> requests = [];
        List<MedicationStatement> statements = [];
        List<MedicationAdministration> administrations = [];
        List<Medication> medications = [];
        List<string> unreadable = [];
        for (var i = 0; i < Keys.Length; i++)
        {
            unreadable.AddRange(results[i].Unreadable);
            foreach (var resource in results[i].Resources)
            {
                switch (resource)
                {
                    case Patient p: patient ??= p; break;
                    case Condition c: conditions.Add(c); break;
                    case Observation o: observations.Add(o); break;
                    case MedicationRequest r: requests.Add(r); break;
                    case MedicationStatement s: statements.Add(s); break;
                    case MedicationAdministration a: administrations.Add(a); break;
                    case Medication m: medications.Add(m); break;
                }
            }

            if (results[i].Problem is { } problem)
            {
                problems[Keys[i].Kind] = problem;
                PrefetchLog.DataUnavailable(logger, request.HookInstance, Keys[i].Key, problem);
            }
        }

        var data = new PatientData
        {
            Patient = patient,
            Conditions = conditions,
            Observations = observations,
            MedicationRequests = requests,
            MedicationStatements = statements,
            MedicationAdministrations = administrations,
            Medications = medications,
            Unavailable = problems.Count == 0 ? NothingUnavailable : problems.Keys.ToHashSet(),
            Unreadable = unreadable,
        };
        return new ResolvedData(data, problems);
    }

    private static bool AnyMayFetch(PrefetchRequest request)
    {
        foreach (var (key, _) in Keys)
        {
            if (MayFetch(request.Prefetch.GetValueOrDefault(key)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <see cref="ResolveKeyAsync"/> may read this key from the FHIR server: it is absent, the
    /// client reported an error, or it is a searchset with a next page.</summary>
    private static bool MayFetch(PrefetchValue? value) => value switch
    {
        PrefetchValue.NoData => false,
        PrefetchValue.Data { Resource: Bundle bundle } when NextLink(bundle) is not null => true,
        PrefetchValue.Data => false,
        _ => true,
    };

    private Uri? UsableServer(PrefetchRequest request, out string problem)
    {
        if (request.FhirServer is null)
        {
            problem = "the request has no fhirServer";
            return null;
        }

        if (policy.Refusal(request.FhirServer, request.FhirAuthorization is not null) is { } refusal)
        {
            problem = refusal;
            PrefetchLog.ServerRefused(logger, FhirServerPolicy.Authority(request.FhirServer), refusal);
            return null;
        }

        problem = string.Empty;
        return request.FhirServer;
    }

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

    private sealed record Access(
        PrefetchRequest Request, Uri? Server, string ServerProblem, Func<IFhirFetcher> Fetchers, CancellationToken Deadline, CancellationToken Aborted)
    {
        private IFhirFetcher? _fetcher;

        /// <summary>The FHIR client, made on the first read from the server (two keys racing may make two: harmless).</summary>
        public IFhirFetcher Fetcher => _fetcher ??= Fetchers();
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
