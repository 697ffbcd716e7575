using System.Security.Cryptography;
using System.Text;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CdsHooks.Service.Tests.Security;

/// <summary>Every way a CDS client JWT can be wrong, built from the keys of <see cref="SecuredService"/>.</summary>
public static class BadTokens
{
    /// <summary>Each way a token can be wrong, and the reason the log must give (the caller gets none).</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "alg none", "algorithm 'none' is not accepted" },
        { "HS256 with a shared secret", "algorithm 'HS256' is not accepted" },
        { "HS256 keyed with the public key", "algorithm 'HS256' is not accepted" },
        { "expired", "expired" },
        { "not yet valid (iat)", "not yet valid" },
        { "not yet valid (nbf)", "not yet valid" },
        { "too long-lived", "lives 3600 s" },
        { "wrong aud", "aud does not name" },
        { "aud of the feedback endpoint", "aud does not name" },
        { "aud with another host", "aud does not name" },
        { "unknown iss", "not a trusted client" },
        { "jku not allow-listed", "jku is not allow-listed" },
        { "unknown kid", "unknown kid" },
        { "no kid", "no kid" },
        { "tampered payload", "signature" },
        { "tampered aud", "signature" },
        { "signed by another key", "signature" },
        { "missing iss", "not a trusted client" },
        { "missing aud", "aud does not name" },
        { "missing exp", "exp or iat is missing" },
        { "missing iat", "exp or iat is missing" },
        { "missing jti", "jti is missing" },
        { "tenant not allowed", "tenant is missing or not allowed" },
        { "tenant missing", "tenant is missing or not allowed" },
        { "typ not JWT", "typ 'at+jwt'" },
        { "not a JWT", "not a well-formed JWT" },
        { "Basic scheme", "not a Bearer token" },
        { "ES256 (not configured)", "algorithm 'ES256' is not accepted" },
        { "longer than 16 KB (validly signed)", "longer than 16384 bytes" },
    };

    public static string Build(SecuredService service, string problem)
    {
        var keys = service.EhrKeys;
        var jku = service.JwksUrl.AbsoluteUri;
        var claims = TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience);
        string Es(IDictionary<string, object> c, string? withJku = null) => TestTokens.Sign(keys.Ec, "ES384", c, withJku ?? jku);
        string Without(string claim)
        {
            claims.Remove(claim);
            return Es(claims);
        }

        switch (problem)
        {
            case "alg none": return TestTokens.Unsigned(claims, keys.Ec.KeyId);
            case "HS256 with a shared secret":
                return TestTokens.Sign(new SymmetricSecurityKey(new byte[32]) { KeyId = keys.Ec.KeyId }, "HS256", claims, jku);
            case "HS256 keyed with the public key":
                return TestTokens.Sign(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(keys.Jwks())) { KeyId = keys.Rsa.KeyId }, "HS256", claims, jku);
            case "expired": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, iat: TestTokens.Now - 400));
            case "not yet valid (iat)": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, iat: TestTokens.Now + 120));
            case "not yet valid (nbf)":
                claims["nbf"] = TestTokens.Now + 120;
                return Es(claims);
            case "too long-lived": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience, lifetime: 3600));
            case "wrong aud": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.Base + "/cds-services/triple-positive-order-select"));
            case "aud of the feedback endpoint": return Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.HookAudience + "/feedback"));
            case "aud with another host": return Es(TestTokens.Claims(SecuredService.Ehr, "https://cds.attacker.example/cds-services/" + HookCalls.OrderSign));
            case "unknown iss": return Es(TestTokens.Claims("https://unknown.example.org", SecuredService.HookAudience));
            case "jku not allow-listed": return Es(claims, service.ElsewhereUrl.AbsoluteUri);
            case "unknown kid":
                using (var stranger = new TestKeys("stranger"))
                {
                    return TestTokens.Sign(stranger.Ec, "ES384", claims, jku);
                }

            case "no kid":
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384))
                {
                    return TestTokens.Sign(new ECDsaSecurityKey(ec), "ES384", claims, jku);
                }

            case "tampered payload": return TestTokens.Tampered(Es(claims), "jti", Guid.NewGuid().ToString());
            case "tampered aud":
                return TestTokens.Tampered(Es(TestTokens.Claims(SecuredService.Ehr, SecuredService.Base + "/cds-services/other")), "aud", SecuredService.HookAudience);
            case "signed by another key":
                using (var impostor = new TestKeys("ehr")) // same kid, different key
                {
                    return TestTokens.Sign(impostor.Ec, "ES384", claims, jku);
                }

            case "missing iss": return Without("iss");
            case "missing aud": return Without("aud");
            case "missing exp": return Without("exp");
            case "missing iat": return Without("iat");
            case "missing jti": return Without("jti");
            case "tenant not allowed":
                var other = TestTokens.Claims(SecuredService.Tenant, SecuredService.HookAudience);
                other["tenant"] = "hospital-b";
                return TestTokens.Sign(service.TenantKeys.Ec, "ES384", other);
            case "tenant missing":
                return TestTokens.Sign(service.TenantKeys.Ec, "ES384", TestTokens.Claims(SecuredService.Tenant, SecuredService.HookAudience));
            case "typ not JWT":
                var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
                return handler.CreateToken(new SecurityTokenDescriptor
                {
                    Claims = claims,
                    SigningCredentials = new SigningCredentials(keys.Ec, "ES384"),
                    TokenType = "at+jwt",
                });
            case "not a JWT": return "not-a-jwt";
            case "Basic scheme": return "Basic";
            case "ES256 (not configured)":
                using (var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return TestTokens.Sign(new ECDsaSecurityKey(p256) { KeyId = keys.Ec.KeyId }, "ES256", claims, jku);
                }

            case "longer than 16 KB (validly signed)":
                claims["padding"] = new string('x', 17 * 1024);
                return Es(claims);
            default: throw new ArgumentOutOfRangeException(nameof(problem), problem, null);
        }
    }
}
