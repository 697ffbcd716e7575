using System.Text.Json;

// The framework floor (docs/performance.md): same host defaults as the service (WebApplication,
// Kestrel, routing, JSON), none of its work. POST /cds-services/{id} parses the body as JSON and
// answers the response the service gave to that request, captured by run-load.sh before the run
// (Floor:Responses = folder of <hookInstance>.json), so both send the same bytes back.
var builder = WebApplication.CreateBuilder(args);
var responses = LoadResponses(builder.Configuration["Floor:Responses"]);
var fallback = "{\"cards\":[]}"u8.ToArray();

var app = builder.Build();
app.MapGet("/health", () => TypedResults.Ok(new { status = "ok", responses = responses.Count }));
app.MapPost("/cds-services/{id}", async (string id, HttpRequest request, CancellationToken cancellationToken) =>
{
    _ = id;
    using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
    var hookInstance = document.RootElement.ValueKind == JsonValueKind.Object &&
                       document.RootElement.TryGetProperty("hookInstance", out var h) && h.ValueKind == JsonValueKind.String
        ? h.GetString()
        : null;
    var body = hookInstance is not null && responses.TryGetValue(hookInstance, out var known) ? known : fallback;
    return Results.Bytes(body, "application/json");
});
app.Run();

static Dictionary<string, byte[]> LoadResponses(string? folder)
{
    var responses = new Dictionary<string, byte[]>(StringComparer.Ordinal);
    if (folder is null || !Directory.Exists(folder))
    {
        return responses;
    }

    foreach (var file in Directory.EnumerateFiles(folder, "*.json"))
    {
        responses[Path.GetFileNameWithoutExtension(file)] = File.ReadAllBytes(file);
    }

    return responses;
}
