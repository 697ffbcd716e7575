using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Security;

/// <summary>The outcome of checking one JWT. <see cref="Reason"/> is for the log only, never for the caller.</summary>
internal sealed record TokenCheck(ClaimsPrincipal? Principal, string? Reason, string Issuer, string KeyId);

/// <summary>
/// Checks a CDS client's JWT (CDS Hooks 2.0 §Trusting CDS Clients, items 52-60, and the best-practices
/// list): the algorithm is pinned by configuration, never taken from the token alone; the issuer is a
/// trusted client; the key comes from that client's static JWKS or allow-listed jku, by kid; the signature
/// verifies; aud is this endpoint's public URL; exp, iat (and nbf) hold on the injected clock with a small
/// skew; the lifetime is bounded; tenant is allowed; jti was not seen before. The cheap checks come first
/// and the replay cache last, so that only a fully valid token is remembered.
/// </summary>
internal sealed class CdsTokenValidator(
    TrustedClientRegistry registry,
    JwksKeyStore jwks,
    ReplayCache replay,
    TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { MaximumTokenSizeInBytes = 16 * 1024 };

    /// <summary>The audience a client must use to call <paramref name="path"/>: the configured public base
    /// URL plus the path (not the Host header, which a proxy may rewrite).</summary>
    public string AudienceFor(PathString path) => registry.PublicBaseUrl + (path.Value ?? string.Empty).TrimEnd('/');

    public async Task<TokenCheck> ValidateAsync(string token, string audience, CancellationToken cancellationToken)
    {
        if (token.Length > Handler.MaximumTokenSizeInBytes)
        {
            return Fail($"the token is longer than {Handler.MaximumTokenSizeInBytes} bytes", string.Empty, string.Empty);
        }

        JsonWebToken jwt;
        try
        {
            jwt = Handler.ReadJsonWebToken(token); // read once: the signature check below takes the parsed token
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or System.Text.Json.JsonException)
        {
            return Fail("not a well-formed JWT", string.Empty, string.Empty);
        }

        var issuer = jwt.Issuer ?? string.Empty;
        var kid = jwt.Kid ?? string.Empty;
        TokenCheck Reject(string reason) => Fail(reason, issuer, kid);

        if (jwt.IsEncrypted)
        {
            return Reject("encrypted tokens are not accepted");
        }

        if (!registry.Algorithms.Contains(jwt.Alg ?? string.Empty))
        {
            return Reject($"algorithm '{Clip(jwt.Alg)}' is not accepted");
        }

        if (!string.IsNullOrEmpty(jwt.Typ) && !string.Equals(jwt.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
        {
            return Reject($"typ '{Clip(jwt.Typ)}' is not JWT");
        }

        if (kid.Length == 0)
        {
            return Reject("no kid in the header");
        }

        if (issuer.Length == 0 || registry.Find(issuer) is not { } client)
        {
            return Reject("the issuer is not a trusted client");
        }

        jwt.TryGetHeaderValue<string>("jku", out var jku);
        var (key, keyProblem) = await FindKeyAsync(client, jku, kid, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return Reject(keyProblem!);
        }

        var signature = await Handler.ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = registry.Algorithms,
            RequireSignedTokens = true,
            ValidateIssuer = true,
            ValidIssuer = client.Issuer,
            ValidateIssuerSigningKey = false, // a bare public key has no validity period to check
            ValidateAudience = false,         // checked below against this endpoint
            ValidateLifetime = false,         // checked below on the injected clock
            RequireExpirationTime = false,
        }).ConfigureAwait(false);
        if (!signature.IsValid)
        {
            return Reject($"signature or header not valid ({signature.Exception?.GetType().Name ?? "unknown"})");
        }

        if (ClaimsProblem(jwt, client, audience) is { } problem)
        {
            return Reject(problem);
        }

        var exp = jwt.GetPayloadValue<long>("exp");
        if (!replay.TryRecord(issuer, jwt.Id, exp + registry.Options.ClockSkewSeconds))
        {
            return Reject("jti was already used (replay)");
        }

        var identity = new ClaimsIdentity(CdsClientAuthenticationHandler.SchemeName, "iss", null);
        identity.AddClaim(new Claim("iss", issuer));
        identity.AddClaim(new Claim("jti", jwt.Id));
        if (jwt.TryGetPayloadValue<string>("tenant", out var tenant) && !string.IsNullOrEmpty(tenant))
        {
            identity.AddClaim(new Claim("tenant", tenant));
        }

        return new TokenCheck(new ClaimsPrincipal(identity), null, issuer, kid);
    }

    /// <summary>aud, exp, iat, nbf, lifetime, jti and tenant (CDS Hooks 2.0 item 55; sub is not required).</summary>
    private string? ClaimsProblem(JsonWebToken jwt, TrustedClientEntry client, string audience)
    {
        if (!jwt.Audiences.Any(a => string.Equals(a.TrimEnd('/'), audience, StringComparison.Ordinal)))
        {
            return $"aud does not name this endpoint ({audience})";
        }

        if (!jwt.TryGetPayloadValue<long>("exp", out var exp) || !jwt.TryGetPayloadValue<long>("iat", out var iat))
        {
            return "exp or iat is missing or not an integer";
        }

        var options = registry.Options;
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = options.ClockSkewSeconds;
        if (exp + skew <= now)
        {
            return "the token has expired (exp)";
        }

        if (iat - skew > now || (jwt.TryGetPayloadValue<long>("nbf", out var nbf) && nbf - skew > now))
        {
            return "the token is not yet valid (iat or nbf in the future)";
        }

        if (exp < iat || exp - iat > options.MaxTokenLifetimeSeconds)
        {
            return $"the token lives {exp - iat} s; at most {options.MaxTokenLifetimeSeconds} s are accepted";
        }

        if (string.IsNullOrEmpty(jwt.Id))
        {
            return "jti is missing";
        }

        if (client.Tenants.Count > 0 &&
            (!jwt.TryGetPayloadValue<string>("tenant", out var tenant) || tenant is null || !client.Tenants.Contains(tenant)))
        {
            return "tenant is missing or not allowed for this issuer";
        }

        return null;
    }

    /// <summary>The key by kid: the client's static JWKS, then its allow-listed JWKS URLs. A jku in the
    /// token only selects among the allow-listed URLs; any other URL is refused and never fetched. A client
    /// registered with a static JWKS only has its jku ignored.</summary>
    private async Task<(JsonWebKey? Key, string? Problem)> FindKeyAsync(TrustedClientEntry client, string? jku, string kid, CancellationToken cancellationToken)
    {
        string? selected = null;
        if (!string.IsNullOrEmpty(jku) && client.JwksUrls.Count > 0)
        {
            selected = TrustedClientRegistry.Normalize(jku);
            if (selected is null || !client.JwksUrls.Contains(selected))
            {
                return (null, "jku is not allow-listed for this issuer");
            }
        }

        if (client.StaticKeys.FirstOrDefault(k => string.Equals(k.Kid, kid, StringComparison.Ordinal)) is { } configured)
        {
            return (configured, null);
        }

        foreach (var url in selected is null ? client.JwksUrls.Order(StringComparer.Ordinal) : (IEnumerable<string>)[selected])
        {
            if (await jwks.FindAsync(url, kid, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return (found, null);
            }
        }

        return (null, "unknown kid");
    }

    private static TokenCheck Fail(string reason, string issuer, string kid) => new(null, reason, Clip(issuer), Clip(kid));

    /// <summary>Values from the token go to the log clipped: they are the caller's text.</summary>
    private static string Clip(string? value) => value is null ? string.Empty : value.Length <= 100 ? value : value[..100] + "…";
}
