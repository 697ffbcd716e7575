namespace CdsHooks.Service.Prefetch;

/// <summary>fhirAuthorization (CDS Hooks 2.0 §Passing the Access Token). The token is transient:
/// never logged, never stored (item 16).</summary>
public sealed record FhirAuthorization(string AccessToken, string? TokenType, string? Scope, string? Subject, string? Patient)
{
    public override string ToString() => $"FhirAuthorization(scope: {Scope}, subject: {Subject})";
}
