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

        builder.Services.AddSingleton(new SecurityState(enabled, options.RequireForDiscovery));
        if (enabled)
        {
            builder.Services.AddAuthorizationBuilder()
                .AddPolicy(AuthPolicies.Hooks, p => p.RequireAuthenticatedUser())
                .AddPolicy(AuthPolicies.Discovery, p => p.RequireAuthenticatedUser());
            builder.AddJwtAuthentication(options);
        }

        // With authentication off (Development only) neither service is registered: every endpoint is anonymous
        // (RequireCdsClient), and WebApplication adds the authentication and authorization middlewares by itself
        // whenever their services are there, where they would only set an empty user on every call.
        return builder;
    }

    /// <summary>
    /// Puts <paramref name="policy"/> on an endpoint when it can refuse someone (authentication on, and for
    /// discovery only when <see cref="SecurityOptions.RequireForDiscovery"/>); otherwise the endpoint is
    /// marked anonymous. An open endpoint with a policy that lets everyone through would still pay a policy
    /// evaluation on every hook call, and say nothing a reader of the endpoint's metadata could not get wrong.
    /// </summary>
    public static TBuilder RequireCdsClient<TBuilder>(this TBuilder endpoint, IEndpointRouteBuilder app, string policy)
        where TBuilder : IEndpointConventionBuilder =>
        app.ServiceProvider.GetRequiredService<SecurityState>().Protects(policy)
            ? endpoint.RequireAuthorization(policy)
            : endpoint.AllowAnonymous();
}

/// <summary>Whether JWT authentication is on (logged loudly at start-up when it is off), and whether
/// discovery needs a token too.</summary>
public sealed record SecurityState(bool Enabled, bool RequireForDiscovery)
{
    /// <summary>Whether the endpoints under <paramref name="policy"/> need a valid token.</summary>
    public bool Protects(string policy) => Enabled && (policy != AuthPolicies.Discovery || RequireForDiscovery);
}
