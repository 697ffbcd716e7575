namespace CdsHooks.Service.Security;

/// <summary>Configuration section "Authentication".</summary>
public sealed class SecurityOptions
{
    public const string Section = "Authentication";

    /// <summary>Null: on everywhere but Development. False is honoured only in Development.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Whether GET /cds-services also needs a JWT (CDS Hooks allows a public discovery).</summary>
    public bool RequireForDiscovery { get; set; }

    public List<TrustedClient> TrustedClients { get; set; } = [];
}

/// <summary>A CDS client (EHR) allowed to call the service, identified by its JWT issuer.</summary>
public sealed class TrustedClient
{
    public string Issuer { get; set; } = string.Empty;

    /// <summary>JWKS URLs this client may name in its <c>jku</c> header; only these are ever fetched.</summary>
    public List<string> JwksUrls { get; set; } = [];

    /// <summary>A JWKS given in configuration (JSON), for clients that publish no URL.</summary>
    public string? Jwks { get; set; }

    /// <summary>Allowed <c>tenant</c> claim values; empty means any.</summary>
    public List<string> Tenants { get; set; } = [];
}
