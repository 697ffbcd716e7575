namespace CdsHooks.Service.Prefetch;

/// <summary>Prefetch and FHIR server logs (event ids 3xxx). They name the prefetch key and the server's
/// scheme, host and port, never a query (it holds the patient id), a resource body or a token.</summary>
internal static partial class PrefetchLog
{
    [LoggerMessage(3001, LogLevel.Warning, "fhirServer {Server} not called: {Reason}")]
    public static partial void ServerRefused(ILogger logger, string server, string reason);

    [LoggerMessage(3002, LogLevel.Warning, "FHIR read for prefetch key {Key} from {Server} failed after {ElapsedMs:F1} ms: {Reason}")]
    public static partial void FetchFailed(ILogger logger, string key, string server, string reason, double elapsedMs);

    [LoggerMessage(3003, LogLevel.Debug, "FHIR read for prefetch key {Key} from {Server} took {ElapsedMs:F1} ms")]
    public static partial void Fetched(ILogger logger, string key, string server, double elapsedMs);

    [LoggerMessage(3004, LogLevel.Information, "hookInstance {HookInstance}: prefetch key {Key} unavailable: {Reason}")]
    public static partial void DataUnavailable(ILogger logger, string hookInstance, string key, string reason);

    [LoggerMessage(3005, LogLevel.Information, "Retrying a FHIR read from {Server} once: {Reason}")]
    public static partial void Retrying(ILogger logger, string server, string reason);

    [LoggerMessage(3006, LogLevel.Warning, "Circuit to FHIR server {Server} opened for {BreakSeconds} s: it fails too often")]
    public static partial void CircuitOpened(ILogger logger, string server, double breakSeconds);

    [LoggerMessage(3007, LogLevel.Information, "Circuit to FHIR server {Server} closed")]
    public static partial void CircuitClosed(ILogger logger, string server);
}
