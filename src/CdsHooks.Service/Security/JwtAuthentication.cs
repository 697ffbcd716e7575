namespace CdsHooks.Service.Security;

/// <summary>JWT bearer authentication of CDS clients (CDS Hooks 2.0 §Trusting CDS Clients).</summary>
public static class JwtAuthentication
{
    public static WebApplicationBuilder AddJwtAuthentication(this WebApplicationBuilder builder, SecurityOptions options)
    {
        _ = options;
        throw new NotSupportedException("JWT authentication of CDS clients is not available in this build; run in Development with Authentication:Enabled=false.");
    }
}
