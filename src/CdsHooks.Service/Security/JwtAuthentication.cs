using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Security;

/// <summary>
/// JWT bearer authentication of CDS clients (CDS Hooks 2.0 §Trusting CDS Clients, items 52-60) through the
/// framework's JwtBearer handler. Its <see cref="TokenValidationParameters"/> carry the rules it has a word for:
/// the accepted algorithms, the trusted issuers, the signing key (resolved by kid), the audience of the endpoint
/// called, the lifetime on the injected clock with a skew, and typ. <see cref="CdsJwtEvents"/> carries what it
/// has none for (written there, with why).
/// </summary>
public static class JwtAuthentication
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Tokens longer than this are refused before they are read.</summary>
    internal const int MaxTokenBytes = 16 * 1024;

    /// <summary>Registers JwtBearer as the default scheme. Settings are validated now: a bad public base URL,
    /// algorithm, JWKS URL or static JWKS stops start-up with every error listed.</summary>
    public static WebApplicationBuilder AddJwtAuthentication(this WebApplicationBuilder builder, SecurityOptions options)
    {
        var registry = TrustedClientRegistry.Build(options, builder.Environment.IsDevelopment());
        builder.Services.AddSingleton(registry);
        // IReplayStore (in memory, or shared through PostgreSQL) is chosen with the store: Storage/StorageRegistration.cs.
        builder.Services.AddSingleton<JwksKeyStore>();
        builder.Services.AddSingleton<CdsJwtEvents>();
        builder.Services.AddHttpContextAccessor(); // the key and audience of this request, for the validation delegates
        builder.Services.AddHttpClient(JwksKeyStore.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers();
        builder.Services.AddAuthentication(SchemeName).AddJwtBearer(SchemeName, o =>
        {
            o.EventsType = typeof(CdsJwtEvents);
            o.MapInboundClaims = false;
            o.IncludeErrorDetails = false; // a bare "Bearer" challenge (best practices: do not say why); the reason is logged
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new JsonWebTokenHandler { MaximumTokenSizeInBytes = MaxTokenBytes });
        });
        builder.Services.AddOptions<JwtBearerOptions>(SchemeName)
            .Configure<IHttpContextAccessor, TimeProvider>((o, http, time) => o.TokenValidationParameters = Parameters(registry, http, time));
        return builder;
    }

    /// <summary>
    /// The checks JwtBearer runs, in its order: signature with the key found for this request (algorithm in the
    /// allow-list, never taken from the token alone), then lifetime, audience, issuer and typ.
    /// </summary>
    internal static TokenValidationParameters Parameters(TrustedClientRegistry registry, IHttpContextAccessor http, TimeProvider time) => new()
    {
        ValidAlgorithms = registry.Algorithms,
        RequireSignedTokens = true,
        // The key was found, fetched if need be, before validation (CdsJwtEvents.MessageReceived): a resolver is
        // synchronous and must not fetch. It returns that key only, so no other key is ever tried.
        IssuerSigningKeyResolver = (_, _, _, _) => CdsTokenFeature.Of(http.HttpContext)?.Key is { } key ? [key] : [],
        TryAllIssuerSigningKeys = false,
        ValidateIssuerSigningKey = false, // a bare public key has no validity period to check
        ValidateIssuer = true,
        ValidIssuers = registry.Issuers,
        // aud is this endpoint's public URL, built from Authentication:PublicBaseUrl, never from the Host header.
        // JwtBearer's ValidAudiences is one list for every endpoint; the endpoint called is known per request only.
        ValidateAudience = true,
        AudienceValidator = (audiences, _, _) => CdsTokenFeature.Of(http.HttpContext) is { } request &&
            audiences.Any(a => string.Equals(a.TrimEnd('/'), request.Audience, StringComparison.Ordinal)),
        // Lifetime on the injected clock (tests pin it; IdentityModel's own check reads DateTime.UtcNow), with iat
        // required and exp - iat bounded, which TokenValidationParameters cannot express.
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(registry.Options.ClockSkewSeconds),
        LifetimeValidator = (notBefore, expires, token, p) => TokenLifetime.Check(notBefore, expires, token, p, registry.Options, time),
        TypeValidator = (type, _, _) => string.IsNullOrEmpty(type) || string.Equals(type, "JWT", StringComparison.OrdinalIgnoreCase)
            ? type ?? string.Empty
            : throw new SecurityTokenInvalidTypeException("typ is not JWT"),
        NameClaimType = "iss",
        AuthenticationType = SchemeName,
    };
}

/// <summary>What <see cref="CdsJwtEvents"/> learnt about this request's token before validation: the key to
/// check it with, the audience this endpoint expects, and its issuer and kid for the log.</summary>
internal sealed record CdsTokenFeature(SecurityKey? Key, string Audience, string Issuer, string KeyId, string? Type)
{
    public static CdsTokenFeature? Of(HttpContext? context) => context?.Features.Get<CdsTokenFeature>();
}

/// <summary>exp, iat and nbf on the injected clock, with the skew (CDS Hooks 2.0 item 55).</summary>
internal sealed class TokenLifetimeException(string reason) : SecurityTokenInvalidLifetimeException(reason);

internal static class TokenLifetime
{
    public static bool Check(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters,
        SecurityOptions options, TimeProvider time)
    {
        if (expires is null || token is not JsonWebToken jwt || !jwt.TryGetPayloadValue<long>("iat", out var iat) ||
            !jwt.TryGetPayloadValue<long>("exp", out var exp))
        {
            throw new TokenLifetimeException("exp or iat is missing or not an integer");
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)parameters.ClockSkew.TotalSeconds;
        if (exp + skew <= now)
        {
            throw new TokenLifetimeException("the token has expired (exp)");
        }

        var nbf = notBefore is { } from ? new DateTimeOffset(DateTime.SpecifyKind(from, DateTimeKind.Utc)).ToUnixTimeSeconds() : iat;
        if (iat - skew > now || nbf - skew > now)
        {
            throw new TokenLifetimeException("the token is not yet valid (iat or nbf in the future)");
        }

        if (exp < iat || exp - iat > options.MaxTokenLifetimeSeconds)
        {
            throw new TokenLifetimeException($"the token lives {exp - iat} s; at most {options.MaxTokenLifetimeSeconds} s are accepted");
        }

        return true;
    }
}
