using System.Text.Json.Serialization;
using CdsHooks.Engine;
using CdsHooks.Engine.Concepts;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Demo;

/// <summary>A drug the demo can order: the service's own concept list, so every drug it knows is searchable.</summary>
public sealed record DemoConcept(string Id, string Display, IReadOnlyList<string> Brands, string? RxNorm, string? Atc);

public static class DemoEndpoints
{
    /// <summary>
    /// The demo order screen at /demo (static files in wwwroot/demo), its patients and its drug list, when
    /// Demo:Enabled (default: Development only). The page calls the public hook and feedback endpoints like
    /// any CDS client, so outside Development (authentication on) its calls are refused: it has no JWT.
    /// </summary>
    public static WebApplication MapDemo(this WebApplication app)
    {
        if (!(app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled ?? app.Environment.IsDevelopment()))
        {
            return app;
        }

        var folder = Path.Combine(app.Environment.WebRootPath ?? Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "demo");
        var files = new PhysicalFileProvider(folder);
        // Not an endpoint: routing ignores a trailing slash, so an endpoint at /demo would also take /demo/.
        app.UseRewriter(new RewriteOptions().AddRedirect("^demo$", "demo/"));
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = "/demo" });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files, RequestPath = "/demo" });

        // Read per request (five small files): the dates follow today however long the service runs.
        app.MapGet("/demo/patients.json", (TimeProvider time) => TypedResults.Ok(DemoPatients.Load(
            Path.Combine(AppContext.BaseDirectory, "demo-patients"), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))));
        app.MapGet("/demo/concepts.json", (CdsEngine engine) => TypedResults.Ok(Concepts(engine)));
        return app;
    }

    /// <summary>Every drug concept with one RxNorm and one ATC code the service maps back to it. The smallest RXCUI
    /// is taken: in cds-cards every concept's ingredient (IN) code is older, hence smaller, than its product codes.</summary>
    public static IReadOnlyList<DemoConcept> Concepts(CdsEngine engine)
    {
        var rxnorm = CodeSystems.Normalize(CodeSystems.RxNorm);
        var atc = CodeSystems.Normalize(CodeSystems.Atc);
        var map = engine.Knowledge.Concepts;
        return [.. map.Concepts.Values
            .OrderBy(c => c.Display, StringComparer.OrdinalIgnoreCase)
            .Select(c =>
            {
                var codes = map.CodesOf(c.Id).ToList();
                return new DemoConcept(c.Id, c.Display, c.Brands,
                    codes.Where(x => x.System == rxnorm).Select(x => x.Code).OrderBy(x => x.Length).ThenBy(x => x, StringComparer.Ordinal).FirstOrDefault(),
                    codes.Where(x => x.System == atc).Select(x => x.Code).Order(StringComparer.Ordinal).FirstOrDefault());
            })];
    }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<DemoPatient>))]
[JsonSerializable(typeof(IReadOnlyList<DemoConcept>))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
