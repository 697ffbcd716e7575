using System.Diagnostics;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// The service's spans (System.Diagnostics.ActivitySource, exported by OpenTelemetry when an OTLP endpoint is set:
/// <see cref="Telemetry"/>). A hook call is the ASP.NET Core request span with five stage spans under it: <c>cds.read</c>
/// (body to model), <c>cds.prefetch</c> (resolving and fetching patient data), <c>cds.facts</c>, <c>cds.rules</c> and
/// <c>cds.cards</c> (the engine's, on this same source). Tags carry the service and hook, counts, data kinds, rule ids, the
/// knowledge version and the outcome, never a patient identifier, a resource id, a drug name or a FHIR server's URL.
/// While nothing listens, <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> answers null and the tags
/// are not computed.
/// </summary>
public static class ServiceTracing
{
    public const string SourceName = "CdsHooks.Service";

    public static readonly ActivitySource Source = new(SourceName, typeof(ServiceTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Service, hook and outcome on the request's own span (ASP.NET Core's), when it is recorded.</summary>
    internal static void TagRequest(string serviceId, string hook, int status)
    {
        if (Activity.Current is { IsAllDataRequested: true } request && request.Kind == ActivityKind.Server)
        {
            request.SetTag("cds.service", serviceId);
            request.SetTag("cds.hook", hook);
            request.SetTag("cds.outcome", status);
        }
    }
}
