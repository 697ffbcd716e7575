using CdsHooks.Service.Hooks;
using CdsHooks.Service.Security;

namespace CdsHooks.Service.Discovery;

public sealed record DiscoveryResponse(IReadOnlyList<DiscoveryService> Services);

public sealed record DiscoveryService(
    string Hook,
    string Title,
    string Description,
    string Id,
    IReadOnlyDictionary<string, string> Prefetch,
    string UsageRequirements);

public static class DiscoveryEndpoints
{
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cds-services", List).RequireCdsClient(app, AuthPolicies.Discovery);
        return app;
    }

    /// <summary>GET {baseUrl}/cds-services (CDS Hooks 2.0 §Discovery).</summary>
    public static Ok<DiscoveryResponse> List() =>
        TypedResults.Ok(new DiscoveryResponse(CdsServiceCatalog.Services.Values
            .OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => new DiscoveryService(s.Hook, s.Title, s.Description, s.Id, s.Prefetch, s.UsageRequirements))
            .ToList()));
}
