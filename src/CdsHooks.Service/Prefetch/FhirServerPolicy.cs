using System.Net;

namespace CdsHooks.Service.Prefetch;

/// <summary>
/// Which FHIR servers the service may call. <c>fhirServer</c> and every <c>next</c> link come from
/// the caller, so without this check a hook request could steer the service at internal addresses
/// (SSRF). Outside Development: only configured servers, only https (loopback http when configured).
/// Without a fhirAuthorization token, only servers configured as open (CDS Hooks 2.0 item 30:
/// the sandbox sends no token for its open server).
/// </summary>
public sealed class FhirServerPolicy
{
    private readonly Uri[] _servers;
    private readonly Uri[] _open;
    private readonly bool _anyOpen;
    private readonly bool _development;
    private readonly bool _allowLoopbackHttp;

    public FhirServerPolicy(FhirAccessOptions options, bool development)
    {
        _servers = [.. options.Servers.Select(s => new Uri(s, UriKind.Absolute))];
        _open = [.. options.OpenServers.Where(s => s != "*").Select(s => new Uri(s, UriKind.Absolute))];
        _anyOpen = options.OpenServers.Contains("*");
        _development = development;
        _allowLoopbackHttp = options.AllowLoopbackHttp;
    }

    /// <summary>Null when the service may call <paramref name="server"/>; otherwise why not (for the log
    /// and the 412 body; it names no secret).</summary>
    public string? Refusal(Uri server, bool hasToken)
    {
        if (server.Scheme != Uri.UriSchemeHttps && server.Scheme != Uri.UriSchemeHttp)
        {
            return "fhirServer is not an http(s) URL";
        }

        if (!string.IsNullOrEmpty(server.UserInfo))
        {
            return "fhirServer carries user information";
        }

        if (!_development && !IsSecure(server, _allowLoopbackHttp))
        {
            return "fhirServer must use https";
        }

        if ((!_development || _servers.Length > 0) && !_servers.Any(s => IsUnder(server, s)))
        {
            return "fhirServer is not a configured FHIR server (FhirAccess:Servers)";
        }

        if (!hasToken && !_anyOpen && !_open.Any(s => IsUnder(server, s)))
        {
            return "no fhirAuthorization was given and the FHIR server is not configured as open (FhirAccess:OpenServers)";
        }

        return null;
    }

    /// <summary>https, or http to a loopback address when allowed.</summary>
    public static bool IsSecure(Uri uri, bool allowLoopbackHttp) =>
        uri.Scheme == Uri.UriSchemeHttps || (allowLoopbackHttp && uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>Same scheme, host and port as <paramref name="baseUri"/>, and a path equal to its path or
    /// below it at a segment boundary ("/fhir" covers "/fhir/Patient", not "/fhirevil").</summary>
    public static bool IsUnder(Uri candidate, Uri baseUri)
    {
        if (!string.Equals(candidate.Scheme, baseUri.Scheme, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(candidate.IdnHost, baseUri.IdnHost, StringComparison.OrdinalIgnoreCase) ||
            candidate.Port != baseUri.Port || !string.IsNullOrEmpty(candidate.UserInfo))
        {
            return false;
        }

        var basePath = baseUri.AbsolutePath.TrimEnd('/');
        var path = candidate.AbsolutePath;
        return string.Equals(path, basePath, StringComparison.Ordinal) || path.StartsWith(basePath + "/", StringComparison.Ordinal);
    }

    /// <summary>A server's identity for the circuit breaker and the log: scheme, host and port.</summary>
    public static string Authority(Uri uri) => uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
}
