using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>A fixture request the fuzzer starts from, with the service it is posted to.</summary>
internal sealed record FuzzSeed(string Name, string Path, JsonNode Request)
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> All = new(Load);

    public static IReadOnlyList<FuzzSeed> LoadAll() => All.Value;

    /// <summary>Every seed's name, for theories over the fixtures.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var seed in LoadAll())
        {
            data.Add(seed.Name);
        }

        return data;
    }

    private static List<FuzzSeed> Load()
    {
        var seeds = new List<FuzzSeed>();
        foreach (var dir in Directory.GetDirectories(System.IO.Path.Combine(Repo.Root, "fhir-fixtures")).Order(StringComparer.Ordinal))
        {
            var file = System.IO.Path.Combine(dir, "request.json");
            JsonNode? request;
            try
            {
                request = File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file)) : null;
            }
            catch (JsonException)
            {
                continue; // b01-malformed-json: already broken
            }

            if (request is not JsonObject)
            {
                continue;
            }

            var service = (string?)request["hook"] == "order-select" ? "triple-positive-order-select" : "triple-positive-order-sign";
            seeds.Add(new FuzzSeed(System.IO.Path.GetFileName(dir), "/cds-services/" + service, request));
        }

        return seeds;
    }
}

/// <summary>One mutated request; iteration and seed reproduce it exactly.</summary>
internal sealed record FuzzCase(int Iteration, string Seed, string Path, byte[] Body, string Mutations)
{
    private static readonly string[] OtherPaths =
    [
        "/cds-services/triple-positive-order-select", "/cds-services/triple-positive-order-sign",
        "/cds-services/unknown-service", "/cds-services/" + new string('x', 3000), "/cds-services/%20",
    ];

    public static FuzzCase Create(int seed, int iteration, IReadOnlyList<FuzzSeed> seeds)
    {
        var rng = new Random(unchecked((seed * 397) ^ iteration));
        var start = seeds[rng.Next(seeds.Count)];
        var path = rng.Next(20) == 0 ? OtherPaths[rng.Next(OtherPaths.Length)] : start.Path;
        var mutator = new RequestMutator(rng);
        var body = mutator.Mutate(start.Request);
        return new FuzzCase(iteration, start.Name, path, body, mutator.Description);
    }
}

/// <summary>What came back, and what is wrong with it (null: nothing).</summary>
internal sealed record Outcome(int Status, string Body, string? Problem)
{
    /// <summary>The kind of problem, for grouping and for keeping a shrunk input failing the same way.</summary>
    public string? Kind => Problem?.Split(':')[0];

    public static async Task<Outcome> PostAsync(HttpClient client, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        return new Outcome(status, text, Judge(status, text));
    }

    private static string? Judge(int status, string body)
    {
        if (status >= 500)
        {
            return $"{status}: server error";
        }

        if (status >= 400)
        {
            try
            {
                var outcome = JsonNode.Parse(body);
                return (string?)outcome?["resourceType"] != "OperationOutcome" ? $"{status} without OperationOutcome"
                    : outcome["issue"] is not JsonArray { Count: > 0 } ? $"{status} OperationOutcome without issue"
                    : NamesADotNetType(body) ? $"{status} OperationOutcome names a .NET type, not a FHIR element"
                    : null;
            }
            catch (JsonException)
            {
                return $"{status} body is not JSON";
            }
        }

        if (status != 200)
        {
            return $"unexpected status {status}";
        }

        try
        {
            var cards = CdsResponseAssert.Conforms(JsonNode.Parse(body));
            return cards.Any(c => ((string?)c?["summary"])?.StartsWith("Check not completed", StringComparison.Ordinal) == true)
                ? "200 with a rule failure card: a rule threw"
                : null;
        }
#pragma warning disable CA1031 // any assertion failure is a finding to report, not a crash of the fuzzer
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return "200 not conforming: " + ex.Message.Split('\n')[0];
        }
    }

    /// <summary>Messages name FHIR elements or JSON paths, never the service's or a library's types.</summary>
    private static bool NamesADotNetType(string body) =>
        body.Contains("System.", StringComparison.Ordinal) || body.Contains("Hl7.Fhir.", StringComparison.Ordinal) ||
        body.Contains("CdsHooks.", StringComparison.Ordinal) || body.Contains("`1", StringComparison.Ordinal);
}
