using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Security;

/// <summary>
/// Authenticates CDS clients by the Bearer JWT they send with each call (CDS Hooks 2.0 item 52).
/// A custom handler rather than JwtBearer's: the expected audience depends on the endpoint called, keys
/// come only from allow-listed JWKS URLs (fetched asynchronously, refreshed on an unknown kid), and a
/// replay cache must see only fully valid tokens; with JwtBearer each of these would be an event hook
/// around a handler that does little else. Signatures are still verified by Microsoft.IdentityModel.
/// A failure is a bare 401 with <c>WWW-Authenticate: Bearer</c>: no detail for the caller (best practices:
/// "should not leak the details of why the JWT failed validation"); the reason goes to the log.
/// </summary>
internal sealed class CdsClientAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    CdsTokenValidator validator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    public const string SchemeName = "CdsClientJwt";

    private ILogger Log => Logger;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            SecurityLog.Rejected(Log, Request.Method, Request.Path, "the Authorization header is not a Bearer token", string.Empty, string.Empty);
            return AuthenticateResult.Fail("not a Bearer token");
        }

        var token = header["Bearer ".Length..].Trim();
        var check = await validator.ValidateAsync(token, validator.AudienceFor(Request.Path), Context.RequestAborted);
        if (check.Principal is null)
        {
            SecurityLog.Rejected(Log, Request.Method, Request.Path, check.Reason!, check.Issuer, check.KeyId);
            return AuthenticateResult.Fail("invalid token"); // deliberately vague: the reason is in our log
        }

        SecurityLog.Accepted(Log, Request.Method, Request.Path, check.Issuer, check.KeyId);
        return AuthenticateResult.Success(new AuthenticationTicket(check.Principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (string.IsNullOrEmpty(Request.Headers.Authorization))
        {
            SecurityLog.NoToken(Log, Request.Method, Request.Path);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
