using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Tests.Security;

/// <summary>Key pairs generated for the test run, published as a JWKS the way a CDS client would.</summary>
public sealed class TestKeys : IDisposable
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly RSA _rsa = RSA.Create(2048);

    public TestKeys(string prefix = "client")
    {
        Ec = new ECDsaSecurityKey(_ec) { KeyId = prefix + "-ec-1" };
        Rsa = new RsaSecurityKey(_rsa) { KeyId = prefix + "-rsa-1" };
    }

    public ECDsaSecurityKey Ec { get; }

    public RsaSecurityKey Rsa { get; }

    /// <summary>The public JWKS, {"keys": [...]}, of the given keys (default: both).</summary>
    public string Jwks(params SecurityKey[] keys) => JwksOf(keys.Length == 0 ? [Ec, Rsa] : keys);

    public static string JwksOf(IEnumerable<SecurityKey> keys)
    {
        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add(key switch
            {
                ECDsaSecurityKey ec => EcJwk(ec),
                RsaSecurityKey rsa => RsaJwk(rsa),
                _ => throw new ArgumentException("EC or RSA only", nameof(keys)),
            });
        }

        return new JsonObject { ["keys"] = array }.ToJsonString();
    }

    public void Dispose()
    {
        _ec.Dispose();
        _rsa.Dispose();
    }

    private static JsonObject EcJwk(ECDsaSecurityKey key)
    {
        var p = key.ECDsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-384", ["use"] = "sig", ["alg"] = "ES384", ["kid"] = key.KeyId,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
    }

    private static JsonObject RsaJwk(RsaSecurityKey key)
    {
        var p = key.Rsa.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS384", ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
    }
}

/// <summary>Builds CDS client JWTs relative to the service's pinned clock (<see cref="CdsServiceFactory.Now"/>).</summary>
public static class TestTokens
{
    public static readonly long Now = CdsServiceFactory.Now.ToUnixTimeSeconds();

    /// <summary>The payload a well-behaved client sends (sandbox shape: 300 s, uuid jti, no sub).</summary>
    public static Dictionary<string, object> Claims(string issuer, object audience, long? iat = null, int lifetime = 300) => new()
    {
        ["iss"] = issuer,
        ["aud"] = audience,
        ["iat"] = iat ?? Now,
        ["exp"] = (iat ?? Now) + lifetime,
        ["jti"] = Guid.NewGuid().ToString(),
    };

    public static string Sign(SecurityKey key, string algorithm, IDictionary<string, object> claims, string? jku = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, algorithm),
            AdditionalHeaderClaims = jku is null ? null : new Dictionary<string, object> { ["jku"] = jku },
            TokenType = "JWT",
        });
    }

    /// <summary>The order n of P-384: an ECDSA signature (r, s) on it has a twin (r, n - s) that verifies too.</summary>
    private static readonly BigInteger P384Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>The same ES384 token in another text: its signature's s replaced by n - s, which verifies as well.</summary>
    public static string WithTwinSignature(string token)
    {
        var parts = token.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        var s = new BigInteger(signature.AsSpan(48), isUnsigned: true, isBigEndian: true);
        var twin = (P384Order - s).ToByteArray(isUnsigned: true, isBigEndian: true);
        byte[] bytes = [.. signature[..48], .. new byte[48 - twin.Length], .. twin];
        return $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(bytes)}";
    }

    /// <summary>An unsigned token ("alg": "none"): header.payload. with an empty signature.</summary>
    public static string Unsigned(IDictionary<string, object> claims, string kid)
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = kid }.ToJsonString();
        var payload = System.Text.Json.JsonSerializer.Serialize(claims);
        return $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.";
    }

    /// <summary>The same header and signature with one payload claim changed.</summary>
    public static string Tampered(string token, string claim, string value)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])))!.AsObject();
        payload[claim] = value;
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
    }
}
