using System.Globalization;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Security;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Analytics;

public static class AnalyticsEndpoints
{
    /// <summary>The default range: the last twelve weeks.</summary>
    public const int DefaultDays = 84;

    /// <summary>/analytics (the page) and /analytics.json (the data), when Analytics:Enabled (default: Development
    /// only). Outside Development both need the hooks' authentication; the page's script and style are not secret.</summary>
    public static WebApplication MapAnalytics(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AnalyticsOptions>>().Value;
        if (!(options.Enabled ?? app.Environment.IsDevelopment()))
        {
            return app;
        }

        var folder = Path.Combine(app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "analytics");
        app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(folder), RequestPath = "/analytics" });
        app.MapGet("/analytics", () => TypedResults.PhysicalFile(Path.Combine(folder, "index.html"), "text/html; charset=utf-8"))
            .RequireCdsClient(app, AuthPolicies.Hooks);
        app.MapGet("/analytics.json", Report).RequireCdsClient(app, AuthPolicies.Hooks);
        return app;
    }

    /// <summary>GET /analytics.json?from=yyyy-MM-dd&amp;to=yyyy-MM-dd&amp;service={id}: bad parameters are a 400 OperationOutcome.</summary>
    public static async Task<Results<Ok<OverrideReportModel>, JsonHttpResult<Resource>>> Report(
        string? from,
        string? to,
        string? service,
        IFeedbackStore store,
        ServiceMetrics metrics,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (start, fromError) = ParseDay(from, "from", today.AddDays(-DefaultDays + 1));
        var (end, toError) = ParseDay(to, "to", today);
        if ((fromError ?? toError) is { } error)
        {
            return Outcomes.Reject(metrics, error);
        }

        if (end < start)
        {
            return Outcomes.Reject(metrics, RequestError.Invalid("to", "'to' must not be before 'from'"));
        }

        if (!string.IsNullOrEmpty(service) && !CdsServiceCatalog.Services.ContainsKey(service))
        {
            return Outcomes.Reject(metrics, RequestError.Invalid("service",
                $"There is no CDS service '{service}'; GET /cds-services lists them"));
        }

        var query = new ReportQuery(start, end, string.IsNullOrEmpty(service) ? null : service);
        var data = await store.ReadReportAsync(query, cancellationToken);
        return TypedResults.Ok(OverrideReport.Build(query, data));
    }

    private static (DateOnly Day, RequestError? Error) ParseDay(string? text, string name, DateOnly fallback)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (fallback, null);
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? (day, null)
            : (fallback, RequestError.Invalid(name, $"'{name}' must be a date written yyyy-MM-dd"));
    }
}

/// <summary>The report's JSON (camelCase, nulls left out like every answer of this service).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OverrideReportModel))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
