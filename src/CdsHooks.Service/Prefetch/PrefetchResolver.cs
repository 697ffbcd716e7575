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
public sealed partial class PrefetchResolver(
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

    private sealed record Access(
        PrefetchRequest Request, Uri? Server, string ServerProblem, Func<IFhirFetcher> Fetchers, CancellationToken Deadline, CancellationToken Aborted)
    {
        private IFhirFetcher? _fetcher;

        /// <summary>The FHIR client, made on the first read from the server (two keys racing may make two: harmless).</summary>
        public IFhirFetcher Fetcher => _fetcher ??= Fetchers();
    }
}
