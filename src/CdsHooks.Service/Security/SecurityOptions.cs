namespace CdsHooks.Service.Security;

/// <summary>Configuration section "Authentication" (CDS Hooks 2.0 §Trusting CDS Clients).</summary>
public sealed class SecurityOptions
{
    public const string Section = "Authentication";

    /// <summary>Null: on everywhere but Development. False is honoured only in Development.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Whether GET /cds-services also needs a JWT (CDS Hooks allows a public discovery).</summary>
    public bool RequireForDiscovery { get; set; }

    /// <summary>The service's public base URL as CDS clients call it ("https://cds.example.org"). The
    /// expected <c>aud</c> is built from it, never from the Host header: {base}/cds-services,
    /// {base}/cds-services/{id}, {base}/cds-services/{id}/feedback. Required when authentication is on.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Accepted signature algorithms; empty means ES384 and RS384, which CDS Hooks recommends.
    /// "none" and HMAC (HS*) are refused at start-up whatever is configured (2.0 §JWT signing algorithm).
    /// Empty by default because the configuration binder appends to a list that already has items.</summary>
    public List<string> Algorithms { get; set; } = [];

    /// <summary>Tolerance for clock differences on exp, iat and nbf.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>Longest accepted lifetime (exp - iat). The sandbox and Inferno issue 300 s tokens; this
    /// also bounds how long a jti is remembered by the replay cache.</summary>
    public int MaxTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>How long a JWKS fetched from a jku stays cached.</summary>
    public int JwksCacheMinutes { get; set; } = 60;

    /// <summary>Least time between two fetches of one JWKS: an unknown kid refreshes it at most this often,
    /// so that tokens with random kids cannot make the service hammer a client's JWKS endpoint.</summary>
    public int JwksRefreshMinimumSeconds { get; set; } = 30;

    /// <summary>Time allowed for one JWKS fetch.</summary>
    public int JwksFetchTimeoutMs { get; set; } = 2000;

    /// <summary>Accept plain http JWKS URLs and public base URL on a loopback address (tests, local runs).</summary>
    public bool AllowLoopbackHttp { get; set; }

    public List<TrustedClient> TrustedClients { get; set; } = [];
}

/// <summary>A CDS client (EHR) allowed to call the service, identified by its JWT issuer.</summary>
public sealed class TrustedClient
{
    /// <summary>The exact <c>iss</c> of the client's JWTs.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>JWKS URLs this client may name in its <c>jku</c> header; only these are ever fetched.
    /// A token without jku is checked against these (out-of-band JWKS location).</summary>
    public List<string> JwksUrls { get; set; } = [];

    /// <summary>A JWKS given in configuration (JSON), for clients that publish no URL. When a client has
    /// only a static JWKS, a jku in its tokens is ignored, never fetched.</summary>
    public string? Jwks { get; set; }

    /// <summary>Allowed <c>tenant</c> claim values; empty means any (or none).</summary>
    public List<string> Tenants { get; set; } = [];
}
