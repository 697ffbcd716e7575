using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Security;

/// <summary>
/// Public keys of trusted clients fetched from their allow-listed JWKS URLs (CDS Hooks 2.0 item 58:
/// "fetch the JWKS only from allowlisted jku URLs, cache it, refresh on an unknown kid"). Callers pass
/// only URLs from configuration; this class never sees a URL taken from a token that is not allow-listed.
/// A failed fetch keeps the keys already known. Durations use the monotonic clock of the injected
/// TimeProvider (tests pin its wall clock, not its stopwatch).
/// </summary>
internal sealed class JwksKeyStore(
    IHttpClientFactory httpClients,
    TrustedClientRegistry registry,
    TimeProvider time,
    ILogger<JwksKeyStore> logger)
{
    public const string HttpClientName = "cds-jwks";
    private const int MaxJwksBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The signing key <paramref name="kid"/> published at <paramref name="url"/>, or null.</summary>
    public async Task<JsonWebKey?> FindAsync(string url, string kid, CancellationToken cancellationToken)
    {
        var entry = _entries.GetOrAdd(url, _ => new Entry());
        var options = registry.Options;
        var asked = time.GetTimestamp();
        var known = entry.Current;
        if (known.Loaded && !Older(known, TimeSpan.FromMinutes(options.JwksCacheMinutes)) && known.Find(kid) is { } cached)
        {
            return cached;
        }

        if (known.Loaded && !Older(known, TimeSpan.FromSeconds(options.JwksRefreshMinimumSeconds)))
        {
            return known.Find(kid); // refreshed a moment ago: an unknown kid stays unknown
        }

        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.Current.FetchedAt > asked)
            {
                return entry.Current.Find(kid); // another request refreshed it while we waited
            }

            var keys = await FetchAsync(url, cancellationToken).ConfigureAwait(false);
            entry.Current = keys is null
                ? entry.Current with { FetchedAt = time.GetTimestamp() }
                : new Snapshot(keys, time.GetTimestamp(), true);
            return entry.Current.Find(kid);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    /// <summary>EC and RSA keys with a kid, meant for signatures (no "use", or "use": "sig").</summary>
    public static List<JsonWebKey> SigningKeys(JsonWebKeySet set) =>
        [.. set.Keys.Where(k => !string.IsNullOrEmpty(k.Kid) &&
            (k.Kty is JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA) &&
            (string.IsNullOrEmpty(k.Use) || k.Use == JsonWebKeyUseNames.Sig))];

    private bool Older(Snapshot snapshot, TimeSpan age) => time.GetElapsedTime(snapshot.FetchedAt) >= age;

    private async Task<List<JsonWebKey>?> FetchAsync(string url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(registry.Options.JwksFetchTimeoutMs);
        try
        {
            var http = httpClients.CreateClient(HttpClientName);
            http.MaxResponseContentBufferSize = MaxJwksBytes;
            using var response = await http.GetAsync(new Uri(url), timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                SecurityLog.JwksFetchFailed(logger, url, $"HTTP {(int)response.StatusCode}");
                return null;
            }

            var json = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            var keys = SigningKeys(new JsonWebKeySet(json));
            SecurityLog.JwksFetched(logger, url, keys.Count);
            return keys;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            SecurityLog.JwksFetchFailed(logger, url, "timed out");
            return null;
        }
        catch (HttpRequestException ex)
        {
            SecurityLog.JwksFetchFailed(logger, url, "network error: " + ex.HttpRequestError);
            return null;
        }
        catch (Exception ex) when (ex is ArgumentException or System.Text.Json.JsonException)
        {
            SecurityLog.JwksFetchFailed(logger, url, "not a valid JSON Web Key Set");
            return null;
        }
    }

    private sealed class Entry
    {
        private volatile Snapshot _current = new([], 0, false);

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Snapshot Current
        {
            get => _current;
            set => _current = value;
        }
    }

    /// <summary>One immutable view of a JWKS, swapped whole so that readers need no lock.</summary>
    private sealed record Snapshot(IReadOnlyList<JsonWebKey> Keys, long FetchedAt, bool Loaded)
    {
        public JsonWebKey? Find(string kid) => Keys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));
    }
}
