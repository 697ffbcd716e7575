using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CdsHooks.Replay;

/// <summary>One fixture folder: the request exactly as stored, what must come back, and the service it goes to.</summary>
internal sealed partial record Scenario(string Name, byte[] Body, JsonObject Expected, string Service, bool UsesDates)
{
    [GeneratedRegex(@"^\d{4}(-\d{2}(-\d{2}(T.*)?)?)?$")]
    private static partial Regex FhirDate();

    /// <summary>Dates that only describe the record, not the timing of therapy or results.</summary>
    private static readonly string[] ClockFreeDates = ["birthDate", "lastUpdated"];

    public static List<Scenario> LoadAll(string folder, string? filter)
    {
        var scenarios = new List<Scenario>();
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            var request = Path.Combine(dir, "request.json");
            var expected = Path.Combine(dir, "expected.json");
            if (!File.Exists(request) || !File.Exists(expected) || (filter is not null && !name.StartsWith(filter, StringComparison.Ordinal)))
            {
                continue;
            }

            var body = File.ReadAllBytes(request);
            var want = JsonNode.Parse(File.ReadAllText(expected))?.AsObject() ?? throw new InvalidDataException($"{expected} is not a JSON object");
            var text = Encoding.UTF8.GetString(body);
            var service = (string?)want["service"] ?? ServiceFor(text);
            scenarios.Add(new Scenario(name, body, want, service, UsesClockDates(text)));
        }

        return scenarios;
    }

    /// <summary>Whether the request holds dates of therapy or results (start, effective, issued ...),
    /// which date-relative rules compare with the server's clock.</summary>
    private static bool UsesClockDates(string body)
    {
        try
        {
            return JsonNode.Parse(body) is { } root && HasDate(root, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }

        static bool HasDate(JsonNode? node, string? name) => node switch
        {
            JsonObject o => o.Any(p => HasDate(p.Value, p.Key)),
            JsonArray a => a.Any(i => HasDate(i, name)),
            JsonValue v => v.TryGetValue<string>(out var s) && FhirDate().IsMatch(s) && !ClockFreeDates.Contains(name),
            _ => false,
        };
    }

    /// <summary>As FixtureTests: the request's hook picks the service; a malformed body goes to order-sign.</summary>
    private static string ServiceFor(string body)
    {
        try
        {
            return (JsonNode.Parse(body) as JsonObject)?["hook"]?.GetValue<string>() == "order-select"
                ? "triple-positive-order-select"
                : "triple-positive-order-sign";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "triple-positive-order-sign";
        }
    }
}
