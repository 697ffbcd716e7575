global using Microsoft.Extensions.DependencyInjection.Extensions;
global using Microsoft.AspNetCore.Http.HttpResults;
using CdsHooks.Engine;
using CdsHooks.Service.Analytics;
using CdsHooks.Service.Demo;
using CdsHooks.Service.Discovery;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Security;

var builder = WebApplication.CreateBuilder(args);
builder.AddCdsService();
builder.AddCdsSecurity();
builder.AddCdsAnalytics();
builder.AddCdsTelemetry();

var app = builder.Build();
if (!app.WarmUp())
{
    await app.DisposeAsync(); // writes out the log line that names the invalid knowledge
    return 1;
}

app.UseOperationOutcomeErrors();
app.UseCors();
if (app.Services.GetRequiredService<SecurityState>().Enabled)
{
    // With authentication off (Development only, logged at start-up) every endpoint is anonymous
    // (RequireCdsClient) and the services behind these middlewares are not registered (AddCdsSecurity).
    app.UseAuthentication();
    app.UseAuthorization();
}

app.MapDiscovery();
app.MapHooks();
app.MapFeedback();
app.MapDemo();
app.MapAnalytics();
app.MapTelemetry(); // GET /metrics when Telemetry:Prometheus is on
app.MapGet("/health", (CdsEngine engine) => TypedResults.Ok(new HealthReport(
    "ok", engine.Knowledge.Version, engine.Knowledge.Rules.Length, engine.Knowledge.Concepts.Concepts.Count)));
app.MapGet("/health/ready", Readiness.Answer); // 503 until the start-up warm-up is done (FetchPathWarmUp) and while the database does not answer

await app.RunAsync(); // on SIGTERM: GracefulShutdown drains, then the process exits 0
return 0;

/// <summary>Entry point; public for WebApplicationFactory in the integration tests.</summary>
public partial class Program;
