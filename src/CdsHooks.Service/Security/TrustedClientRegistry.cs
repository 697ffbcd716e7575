using System.Collections.Frozen;
using CdsHooks.Service.Prefetch;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Security;

/// <summary>A trusted client as checked at run time: URLs normalised, the static JWKS parsed once.</summary>
internal sealed record TrustedClientEntry(
    string Issuer,
    FrozenSet<string> JwksUrls,
    IReadOnlyList<JsonWebKey> StaticKeys,
    FrozenSet<string> Tenants);

/// <summary>
/// The validated Authentication settings: trusted clients by exact issuer, accepted algorithms and the
/// public base URL. Built once at start-up; any error stops start-up with every reason listed.
/// </summary>
internal sealed class TrustedClientRegistry
{
    /// <summary>Asymmetric JWS algorithms only: "none" and HMAC are never accepted (CDS Hooks 2.0 §JWT).</summary>
    private static readonly FrozenSet<string> Asymmetric = new[]
    {
        "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] DefaultAlgorithms = ["ES384", "RS384"];

    /// <summary>Anyone can sign as the sandbox (cds-hooks-2.0.md item 62): never trusted outside Development.</summary>
    private const string SandboxIssuer = "https://sandbox.cds-hooks.org";

    private readonly FrozenDictionary<string, TrustedClientEntry> _clients;

    private TrustedClientRegistry(SecurityOptions options, string publicBaseUrl, List<TrustedClientEntry> clients)
    {
        Options = options;
        PublicBaseUrl = publicBaseUrl;
        Algorithms = (options.Algorithms.Count == 0 ? DefaultAlgorithms : (IEnumerable<string>)options.Algorithms).ToFrozenSet(StringComparer.Ordinal);
        _clients = clients.ToFrozenDictionary(c => c.Issuer, StringComparer.Ordinal);
    }

    public SecurityOptions Options { get; }

    /// <summary>Without a trailing slash.</summary>
    public string PublicBaseUrl { get; }

    public FrozenSet<string> Algorithms { get; }

    /// <summary>The exact issuers of the trusted clients.</summary>
    public IEnumerable<string> Issuers => _clients.Keys;

    public TrustedClientEntry? Find(string issuer) => _clients.GetValueOrDefault(issuer);

    /// <summary>"https://Host/a/" → "https://host/a/"; null if not an absolute URL. jku and configured
    /// URLs are compared in this form.</summary>
    public static string? Normalize(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && string.IsNullOrEmpty(uri.Fragment) ? uri.AbsoluteUri : null;

    public static TrustedClientRegistry Build(SecurityOptions options, bool development)
    {
        var errors = new List<string>();
        bool Secure(Uri uri) => uri.Scheme == Uri.UriSchemeHttps ||
            (uri.Scheme == Uri.UriSchemeHttp && (development || (options.AllowLoopbackHttp && FhirServerPolicy.IsLoopback(uri))));

        var baseUrl = options.PublicBaseUrl?.TrimEnd('/');
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri) || !Secure(baseUri) || !string.IsNullOrEmpty(baseUri.Query))
        {
            errors.Add("Authentication:PublicBaseUrl must be the service's public https URL (e.g. https://cds.example.org); " +
                "the expected JWT audience is built from it");
        }

        foreach (var alg in options.Algorithms.Where(a => !Asymmetric.Contains(a)))
        {
            errors.Add($"Authentication:Algorithms: '{alg}' is not accepted; use asymmetric algorithms such as ES384 and RS384");
        }

        if (options.ClockSkewSeconds is < 0 or > 300 || options.MaxTokenLifetimeSeconds < 1 || options.JwksCacheMinutes < 1 ||
            options.JwksRefreshMinimumSeconds < 0 || options.JwksFetchTimeoutMs < 100)
        {
            errors.Add("Authentication: ClockSkewSeconds must be 0-300, MaxTokenLifetimeSeconds ≥ 1, JwksCacheMinutes ≥ 1, " +
                "JwksRefreshMinimumSeconds ≥ 0, JwksFetchTimeoutMs ≥ 100");
        }

        var clients = new List<TrustedClientEntry>();
        for (var i = 0; i < options.TrustedClients.Count; i++)
        {
            var client = options.TrustedClients[i];
            var where = $"Authentication:TrustedClients:{i}";
            if (string.IsNullOrWhiteSpace(client.Issuer))
            {
                errors.Add($"{where}:Issuer is required");
                continue;
            }

            if (!development && client.Issuer.TrimEnd('/') == SandboxIssuer)
            {
                errors.Add($"{where}: the CDS Hooks sandbox's private key is published in its repository; trust it in Development only");
            }

            if (clients.Any(c => c.Issuer == client.Issuer))
            {
                errors.Add($"{where}: issuer '{client.Issuer}' is registered twice");
            }

            var urls = new List<string>();
            foreach (var url in client.JwksUrls)
            {
                if (Normalize(url) is not { } normal || !Secure(new Uri(normal)))
                {
                    errors.Add($"{where}:JwksUrls: '{url}' must be an absolute https URL");
                }
                else
                {
                    urls.Add(normal);
                }
            }

            var keys = ParseStatic(client.Jwks, where, errors);
            if (urls.Count == 0 && keys.Count == 0)
            {
                errors.Add($"{where}: give JwksUrls or a static Jwks for '{client.Issuer}'");
            }

            clients.Add(new TrustedClientEntry(client.Issuer, urls.ToFrozenSet(StringComparer.Ordinal), keys,
                client.Tenants.ToFrozenSet(StringComparer.Ordinal)));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid Authentication configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return new TrustedClientRegistry(options, baseUrl!, clients);
    }

    private static List<JsonWebKey> ParseStatic(string? jwks, string where, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(jwks))
        {
            return [];
        }

        try
        {
            var keys = JwksKeyStore.SigningKeys(new JsonWebKeySet(jwks));
            if (keys.Count == 0)
            {
                errors.Add($"{where}:Jwks holds no EC or RSA signing key with a kid");
            }

            if (keys.Any(k => k.HasPrivateKey))
            {
                errors.Add($"{where}:Jwks holds a private key: configure the public key only");
            }

            return keys;
        }
        catch (ArgumentException)
        {
            errors.Add($"{where}:Jwks is not a valid JSON Web Key Set");
            return [];
        }
    }
}
