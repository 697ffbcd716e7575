using Microsoft.AspNetCore.Authorization;

namespace CdsHooks.Service.Security;

public static class AuthPolicies
{
    public const string Discovery = "cds-discovery";
    public const string Hooks = "cds-hooks";
}

/// <summary>
/// Who may call the service. Authentication is required outside Development; start-up fails in
/// any other environment when it is off or no trusted client is configured.
/// </summary>
public static class SecurityRegistration
{
    public static WebApplicationBuilder AddCdsSecurity(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SecurityOptions.Section).Get<SecurityOptions>() ?? new SecurityOptions();
        var development = builder.Environment.IsDevelopment();
        var enabled = options.Enabled ?? !development;
        if (!enabled && !development)
        {
            throw new InvalidOperationException(
                $"Authentication:Enabled=false is only allowed in Development (environment is '{builder.Environment.EnvironmentName}').");
        }

        if (enabled && options.TrustedClients.Count == 0)
        {
            throw new InvalidOperationException(
                "Authentication is on but Authentication:TrustedClients is empty: no EHR could call the service. " +
                "Register at least one client (README: Registering a CDS client).");
        }

        builder.Services.AddSingleton(new SecurityState(enabled));
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(AuthPolicies.Hooks, p => Allow(p, enabled))
            .AddPolicy(AuthPolicies.Discovery, p => Allow(p, enabled && options.RequireForDiscovery));
        if (enabled)
        {
            builder.AddJwtAuthentication(options);
        }
        else
        {
            builder.Services.AddAuthentication();
        }

        return builder;
    }

    private static void Allow(AuthorizationPolicyBuilder policy, bool requireToken)
    {
        if (requireToken)
        {
            policy.RequireAuthenticatedUser();
        }
        else
        {
            policy.RequireAssertion(_ => true);
        }
    }
}

/// <summary>Whether JWT authentication is on, logged loudly at start-up when it is off.</summary>
public sealed record SecurityState(bool Enabled);
