namespace CdsHooks.Service.Prefetch;

/// <summary>
/// Configuration section "FhirAccess": when and how the service reads missing data from the EHR's
/// FHIR server (CDS Hooks 2.0 §FHIR Resource Access). <c>fhirServer</c> is chosen by the caller, so
/// outside Development only the servers listed here are ever called, over https.
/// </summary>
public sealed class FhirAccessOptions
{
    public const string Section = "FhirAccess";

    /// <summary>Base URLs of the FHIR servers the service may call ("https://ehr.example.org/fhir/r4").
    /// A request's fhirServer must equal one or lie under it. Outside Development only these are called;
    /// in Development an empty list means any http(s) server (sandbox use).</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>Servers that may be called without a fhirAuthorization token (open test servers such as
    /// the sandbox's). "*" means any server that <see cref="Servers"/> allows. Default: none.</summary>
    public List<string> OpenServers { get; set; } = [];

    /// <summary>Accept plain http to a loopback address (127.0.0.1, ::1, localhost) outside Development.
    /// For tests and local runs only.</summary>
    public bool AllowLoopbackHttp { get; set; }

    /// <summary>Total time for all FHIR reads of one hook call (every query and page, retry included).
    /// This is the latency the FHIR server can add to an answer; CDS Hooks asks for ~500 ms in all.</summary>
    public int TimeoutMs { get; set; } = 300;

    /// <summary>Time for one HTTP attempt before it counts as a transient failure (and may be retried).</summary>
    public int AttemptTimeoutMs { get; set; } = 200;

    /// <summary>Delay before the single retry of a transient failure; jitter is added.</summary>
    public int RetryDelayMs { get; set; } = 25;

    /// <summary>Pages of one searchset followed through <c>next</c> links, the first page included.</summary>
    public int MaxPages { get; set; } = 5;

    /// <summary>Largest response body accepted from the FHIR server.</summary>
    public long MaxResponseBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Circuit breaker, per FHIR server: the share of failed calls that opens it ...</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>... among at least this many calls ...</summary>
    public int BreakerMinimumThroughput { get; set; } = 10;

    /// <summary>... within this window (seconds) ...</summary>
    public int BreakerSamplingSeconds { get; set; } = 30;

    /// <summary>... and how long it stays open (seconds): calls fail at once instead of waiting.</summary>
    public int BreakerBreakSeconds { get; set; } = 15;

    /// <summary>Every configuration error at once, so that a bad setting stops start-up with all its reasons.</summary>
    public IReadOnlyList<string> Validate(bool development)
    {
        var errors = new List<string>();
        foreach (var server in Servers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add($"FhirAccess:Servers: '{server}' is not an absolute http(s) URL");
            }
            else if (!development && !FhirServerPolicy.IsSecure(uri, AllowLoopbackHttp))
            {
                errors.Add($"FhirAccess:Servers: '{server}' must use https outside Development");
            }
        }

        foreach (var server in OpenServers.Where(s => s != "*"))
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out _))
            {
                errors.Add($"FhirAccess:OpenServers: '{server}' is not an absolute URL (or \"*\")");
            }
        }

        // Polly's own bounds: a timeout of at least 10 ms, a break and a window of at least 0.5 s.
        Check(TimeoutMs >= 10, "FhirAccess:TimeoutMs must be at least 10");
        Check(AttemptTimeoutMs >= 10 && AttemptTimeoutMs <= TimeoutMs, "FhirAccess:AttemptTimeoutMs must be between 10 and TimeoutMs");
        Check(RetryDelayMs >= 0, "FhirAccess:RetryDelayMs must not be negative");
        Check(MaxPages >= 1, "FhirAccess:MaxPages must be at least 1");
        Check(MaxResponseBytes >= 1024, "FhirAccess:MaxResponseBytes must be at least 1024");
        Check(BreakerFailureRatio is > 0 and <= 1, "FhirAccess:BreakerFailureRatio must be in (0, 1]");
        Check(BreakerMinimumThroughput >= 2, "FhirAccess:BreakerMinimumThroughput must be at least 2");
        Check(BreakerSamplingSeconds >= 1, "FhirAccess:BreakerSamplingSeconds must be at least 1");
        Check(BreakerBreakSeconds >= 1, "FhirAccess:BreakerBreakSeconds must be at least 1");
        return errors;

        void Check(bool ok, string error)
        {
            if (!ok)
            {
                errors.Add(error);
            }
        }
    }
}
