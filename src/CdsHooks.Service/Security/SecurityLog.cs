namespace CdsHooks.Service.Security;

/// <summary>Authentication logs (event ids 4xxx). The caller gets a bare 401; the reason is here. Never
/// the token: only its issuer, kid and the path, which are not secrets.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(4001, LogLevel.Warning, "JWT rejected on {Method} {Path}: {Reason} (iss {Issuer}, kid {KeyId})")]
    public static partial void Rejected(ILogger logger, string method, string path, string reason, string issuer, string keyId);

    [LoggerMessage(4002, LogLevel.Warning, "Unauthenticated {Method} {Path}: no Bearer token")]
    public static partial void NoToken(ILogger logger, string method, string path);

    [LoggerMessage(4003, LogLevel.Debug, "JWT accepted on {Method} {Path} (iss {Issuer}, kid {KeyId})")]
    public static partial void Accepted(ILogger logger, string method, string path, string issuer, string keyId);

    [LoggerMessage(4004, LogLevel.Information, "JWKS fetched from {Url}: {Keys} signing key(s)")]
    public static partial void JwksFetched(ILogger logger, string url, int keys);

    [LoggerMessage(4005, LogLevel.Warning, "JWKS fetch from {Url} failed: {Reason}; the keys already known are kept")]
    public static partial void JwksFetchFailed(ILogger logger, string url, string reason);

    [LoggerMessage(4006, LogLevel.Error, "JWT refused on {Method} {Path}: the replay cache could not be checked (iss {Issuer}); refused rather than accepted unchecked")]
    public static partial void ReplayUnchecked(ILogger logger, Exception exception, string method, string path, string issuer);
}
