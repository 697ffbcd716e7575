using System.Text.Json;

namespace CdsHooks.Service.Hooks;

/// <summary>The hook request as received. Context and prefetch stay as JSON until validated, so
/// every fault can be reported with its JSON path.</summary>
public sealed record CdsRequest
{
    public JsonElement Hook { get; init; }
    public JsonElement HookInstance { get; init; }
    public JsonElement FhirServer { get; init; }
    public JsonElement FhirAuthorization { get; init; }
    public JsonElement Context { get; init; }
    public JsonElement Prefetch { get; init; }
}

/// <summary>fhirAuthorization (CDS Hooks 2.0 §Passing the Access Token). The token is transient:
/// never logged, never stored (item 16).</summary>
public sealed record FhirAuthorization(string AccessToken, string? TokenType, string? Scope, string? Subject, string? Patient)
{
    public override string ToString() => $"FhirAuthorization(scope: {Scope}, subject: {Subject})";
}
