using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Security;

/// <summary>
/// JwtBearer's events for CDS clients: what its TokenValidationParameters cannot carry stays here.
/// <list type="bullet">
/// <item>Before validation (<see cref="MessageReceived"/>): the key, by kid, from the client's static JWKS or its
/// allow-listed jku URLs, fetched and cached by <see cref="JwksKeyStore"/> and refetched on an unknown kid. JwtBearer
/// fetches keys only from one Authority/MetadataAddress per scheme, whereas each trusted issuer has its own URLs and
/// the token's jku selects among them; and its key resolver is synchronous, so a fetch cannot happen inside it. The
/// cheap header checks (algorithm, kid, issuer, jku allow-list) come first so that no junk token causes a fetch.</item>
/// <item>After validation (<see cref="TokenValidated"/>): jti required, tenant allowed, and the replay cache by
/// (issuer, jti) (<see cref="IReplayStore"/>: in memory, or shared through PostgreSQL; a store that cannot answer
/// refuses the token). IdentityModel's TokenReplayCache keys on the whole token string, and an ECDSA signature can be
/// re-encoded (s → n − s) into another valid string for the same jti (JwtAuthenticationTests shows it). Recording
/// here, last, means only a fully valid token is remembered.</item>
/// <item>The reason of a rejection goes to our log (<see cref="AuthenticationFailed"/>); the caller gets a bare 401
/// with <c>WWW-Authenticate: Bearer</c> (<see cref="Challenge"/>; best practices: "should not leak the details of why
/// the JWT failed validation"). Never the token: only its issuer, kid and the path.</item>
/// </list>
/// </summary>
internal sealed class CdsJwtEvents(TrustedClientRegistry registry, JwksKeyStore jwks, IReplayStore replay, ILogger<CdsJwtEvents> logger)
    : JwtBearerEvents
{
    private static readonly JsonWebTokenHandler Reader = new() { MaximumTokenSizeInBytes = JwtAuthentication.MaxTokenBytes };

    public override async Task MessageReceived(MessageReceivedContext context)
    {
        var request = context.Request;
        string? header = request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return; // no token: JwtBearer answers NoResult and the endpoint's policy challenges
        }

        var audience = registry.PublicBaseUrl + (request.Path.Value ?? string.Empty).TrimEnd('/');
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            Reject(context, "the Authorization header is not a Bearer token", string.Empty, string.Empty);
            return;
        }

        var token = header["Bearer ".Length..].Trim();
        if (token.Length > JwtAuthentication.MaxTokenBytes)
        {
            Reject(context, $"the token is longer than {JwtAuthentication.MaxTokenBytes} bytes", string.Empty, string.Empty);
            return;
        }

        JsonWebToken jwt;
        try
        {
            jwt = Reader.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or System.Text.Json.JsonException)
        {
            Reject(context, "not a well-formed JWT", string.Empty, string.Empty);
            return;
        }

        var issuer = jwt.Issuer ?? string.Empty;
        var kid = jwt.Kid ?? string.Empty;
        var problem = jwt.IsEncrypted ? "encrypted tokens are not accepted"
            : !registry.Algorithms.Contains(jwt.Alg ?? string.Empty) ? $"algorithm '{Clip(jwt.Alg)}' is not accepted"
            : kid.Length == 0 ? "no kid in the header"
            : null;
        var client = issuer.Length == 0 ? null : registry.Find(issuer);
        if (problem is null && client is null)
        {
            problem = "the issuer is not a trusted client";
        }

        SecurityKey? key = null;
        if (problem is null)
        {
            jwt.TryGetHeaderValue<string>("jku", out var jku);
            (key, problem) = await FindKeyAsync(client!, jku, kid, context.HttpContext.RequestAborted).ConfigureAwait(false);
        }

        if (problem is not null)
        {
            Reject(context, problem, issuer, kid);
            return;
        }

        context.HttpContext.Features.Set(new CdsTokenFeature(key, audience, Clip(issuer), Clip(kid), jwt.Typ));
        context.Token = token;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var token = (JsonWebToken)context.SecurityToken;
        var client = registry.Find(token.Issuer)!; // ValidIssuers let only trusted issuers through
        var problem = string.IsNullOrEmpty(token.Id) ? "jti is missing"
            : client.Tenants.Count > 0 && (!token.TryGetPayloadValue<string>("tenant", out var tenant) || tenant is null || !client.Tenants.Contains(tenant))
                ? "tenant is missing or not allowed for this issuer"
            : null;
        var feature = CdsTokenFeature.Of(context.HttpContext);
        problem ??= await CheckReplayAsync(context, token, feature).ConfigureAwait(false); // last: only a valid token is recorded
        if (problem is not null)
        {
            Reject(context, problem, feature?.Issuer ?? string.Empty, feature?.KeyId ?? string.Empty);
            return;
        }

        // Only what the service may use: who called (iss), the call's jti and the tenant; not every claim of the token.
        var identity = new ClaimsIdentity(JwtAuthentication.SchemeName, "iss", null);
        identity.AddClaim(new Claim("iss", token.Issuer));
        identity.AddClaim(new Claim("jti", token.Id));
        if (token.TryGetPayloadValue<string>("tenant", out var allowed) && !string.IsNullOrEmpty(allowed))
        {
            identity.AddClaim(new Claim("tenant", allowed));
        }

        context.Principal = new ClaimsPrincipal(identity);
        SecurityLog.Accepted(logger, context.Request.Method, context.Request.Path, feature?.Issuer ?? string.Empty, feature?.KeyId ?? string.Empty);
    }

    /// <summary>Records the jti; a replay, or a replay store that cannot answer (shared store's database unavailable),
    /// refuses the token: never accepted unchecked (fail closed).</summary>
    private async Task<string?> CheckReplayAsync(TokenValidatedContext context, JsonWebToken token, CdsTokenFeature? feature)
    {
        try
        {
            var forgetAfter = token.GetPayloadValue<long>("exp") + registry.Options.ClockSkewSeconds;
            return await replay.TryRecordAsync(token.Issuer, token.Id, forgetAfter, context.HttpContext.RequestAborted).ConfigureAwait(false)
                ? null
                : "jti was already used (replay)";
        }
#pragma warning disable CA1031 // whatever the store's failure, the token is refused (401) and the reason logged; never a 500
        catch (Exception ex)
#pragma warning restore CA1031
        {
            SecurityLog.ReplayUnchecked(logger, ex, context.Request.Method, context.Request.Path, feature?.Issuer ?? string.Empty);
            return "the jti could not be checked against the replay cache (store unavailable)";
        }
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        var feature = CdsTokenFeature.Of(context.HttpContext);
        SecurityLog.Rejected(logger, context.Request.Method, context.Request.Path, Describe(context.Exception, feature),
            feature?.Issuer ?? string.Empty, feature?.KeyId ?? string.Empty);
        // Also for an unexpected exception (JwtBearer would rethrow it): a caller's token never causes a 500.
        context.Fail("invalid token");
        return Task.CompletedTask;
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        if (string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            SecurityLog.NoToken(logger, context.Request.Method, context.Request.Path);
        }

        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    /// <summary>The reason for the log, by the kind of failure JwtBearer reports (never its message, which may quote the token).</summary>
    internal static string Describe(Exception exception, CdsTokenFeature? feature) => exception switch
    {
        TokenLifetimeException ours => ours.Message,
        SecurityTokenExpiredException => "the token has expired (exp)",
        SecurityTokenNotYetValidException => "the token is not yet valid (iat or nbf in the future)",
        SecurityTokenNoExpirationException => "exp or iat is missing or not an integer",
        SecurityTokenInvalidAudienceException => $"aud does not name this endpoint ({feature?.Audience})",
        SecurityTokenInvalidIssuerException => "the issuer is not a trusted client",
        SecurityTokenInvalidTypeException => $"typ '{Clip(feature?.Type)}' is not JWT",
        SecurityTokenInvalidAlgorithmException => "algorithm is not accepted",
        SecurityTokenSignatureKeyNotFoundException => "unknown kid",
        SecurityTokenInvalidSignatureException or SecurityTokenMalformedException =>
            $"signature or header not valid ({exception.GetType().Name})",
        _ => $"token not valid ({exception.GetType().Name})",
    };

    private void Reject(ResultContext<JwtBearerOptions> context, string reason, string issuer, string kid)
    {
        SecurityLog.Rejected(logger, context.Request.Method, context.Request.Path, reason, Clip(issuer), Clip(kid));
        context.Fail("invalid token"); // deliberately vague: the reason is in our log
    }

    /// <summary>The key by kid: the client's static JWKS, then its allow-listed JWKS URLs. A jku in the token
    /// only selects among the allow-listed URLs; any other URL is refused and never fetched. A client registered
    /// with a static JWKS only has its jku ignored.</summary>
    private async Task<(SecurityKey? Key, string? Problem)> FindKeyAsync(TrustedClientEntry client, string? jku, string kid, CancellationToken cancellationToken)
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

    /// <summary>Values from the token go to the log clipped: they are the caller's text.</summary>
    private static string Clip(string? value) => value is null ? string.Empty : value.Length <= 100 ? value : value[..100] + "…";
}
