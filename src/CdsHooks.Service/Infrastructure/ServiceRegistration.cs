using CdsHooks.Engine;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Prefetch;
using CdsHooks.Service.Storage;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Infrastructure;

public static class ServiceRegistration
{
    /// <summary>The engine (knowledge loaded and validated now: bad knowledge stops start-up), the
    /// prefetch resolver with its FHIR client, the store (feedback, cards shown, jti cache), JSON, CORS and metrics.</summary>
    public static WebApplicationBuilder AddCdsService(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(ServiceOptions.Section);
        builder.Services.Configure<ServiceOptions>(section);
        var options = section.Get<ServiceOptions>() ?? new ServiceOptions();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => CdsEngine.Load(
            options.KnowledgePath ?? Path.Combine(AppContext.BaseDirectory, "cds-cards"),
            new EngineOptions
            {
                AdministrationActiveDays = options.AdministrationActiveDays,
                Formulary = options.Formulary.Count == 0 ? null : options.Formulary.ToHashSet(StringComparer.Ordinal),
                RecentLabDays = options.RecentLabDays,
            },
            sp.GetRequiredService<TimeProvider>(),
            ServiceTracing.Source)); // the engine's stage spans (facts, rules, cards), when telemetry is on
        builder.AddCdsStorage(options); // SQLite by default, PostgreSQL when Storage:Provider says so
        builder.AddFhirAccess();
        builder.Services.AddSingleton<Readiness>();
        builder.Services.AddSingleton<ReadinessGauge>();
        builder.Services.AddSingleton<FetchPathWarmUp>();
        builder.Services.AddHostedService<WarmUpHostedService>(); // GET /health/ready: 503 until it is done
        GracefulShutdown.Register(builder); // SIGTERM: 503 "stopping", calls answered during the drain, then stop
        // The framework's console logger with its JSON formatter (settings in Logging:Console). The line per hook call
        // (HookLog.Answered) is Information: raise Logging:LogLevel:CdsHooks.Engine.CdsEngine (its category) to Warning to drop it.
        builder.Logging.AddJsonConsole();
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddMetrics();

        builder.Services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));

        // CORS for browser clients (CDS Hooks 2.0 §CORS; sandbox): preflight needs no token, and
        // Authorization must be listed explicitly ("*" does not cover it).
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (options.CorsOrigins.Contains("*"))
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. options.CorsOrigins]);
            }

            policy.WithMethods("GET", "POST", "OPTIONS").WithHeaders("Authorization", "Content-Type").SetPreflightMaxAge(TimeSpan.FromHours(1));
        }));
        return builder;
    }

    /// <summary>The application's JSON options: the generated metadata first, nulls left out (CDS Hooks forbids them).
    /// Also what the benchmarks write answers with, so they escape as the service does.</summary>
    internal static void ConfigureJson(System.Text.Json.JsonSerializerOptions options)
    {
        options.TypeInfoResolverChain.Insert(0, CdsJsonContext.Default);
        options.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
    }

    /// <summary>Builds the singletons now so that bad knowledge or an unwritable database stops start-up. False when the
    /// knowledge is invalid: every problem is logged (critical, file and path named) and the caller exits non-zero
    /// without ever listening, so the instance never becomes ready and the previous roll-out keeps serving.</summary>
    public static bool WarmUp(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CdsHooks.Service");
        CdsEngine engine;
        try
        {
            engine = app.Services.GetRequiredService<CdsEngine>();
        }
        catch (CdsHooks.Engine.Knowledge.KnowledgeException ex)
        {
            var options = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
            StartupLog.InvalidKnowledge(logger, options.KnowledgePath ?? Path.Combine(AppContext.BaseDirectory, "cds-cards"), ex.Message);
            return false;
        }

        var store = app.Services.GetRequiredService<IFeedbackStore>(); // PostgreSQL: the schema is migrated here
        _ = app.Services.GetRequiredService<ReadinessGauge>(); // observed from now on
        StartupLog.Ready(logger, engine.Knowledge.Version, engine.Knowledge.Rules.Length, engine.Knowledge.Concepts.Concepts.Count, store.Path);
        if (!app.Services.GetRequiredService<Security.SecurityState>().Enabled)
        {
            StartupLog.AuthenticationOff(logger, app.Environment.EnvironmentName);
        }

        _ = app.Services.GetRequiredService<IOptions<ServiceOptions>>().Value;
        CdsHooks.Engine.Fhir.FhirJson.WarmUp(); // Firely's class mappings, built once at start-up
        return true;
    }
}

internal static partial class StartupLog
{
    [LoggerMessage(1, LogLevel.Information, "Knowledge {Version} loaded: {Rules} rule(s), {Concepts} drug concept(s); feedback stored in {Database}")]
    public static partial void Ready(ILogger logger, string version, int rules, int concepts, string database);

    [LoggerMessage(3, LogLevel.Critical, "Knowledge in {Folder} is invalid; the service does not start. {Problems}")]
    public static partial void InvalidKnowledge(ILogger logger, string folder, string problems);

    [LoggerMessage(2, LogLevel.Critical,
        "AUTHENTICATION IS OFF ({Environment}): any caller can invoke the CDS services. This is allowed only in Development; never expose this instance.")]
    public static partial void AuthenticationOff(ILogger logger, string environment);
}
