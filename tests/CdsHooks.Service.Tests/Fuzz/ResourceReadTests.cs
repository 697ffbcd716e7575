using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Tests.Fuzz;

/// <summary>
/// FhirJson.ReadResource reads with "resourceType first" and falls back to the tolerant reader when a
/// resource breaks that. Differential check over every fixture resource, as sent and with the
/// properties of every object shuffled (resourceType anywhere): the result must be what the tolerant
/// reader alone gives. A fast path that could misread instead of failing would show up here.
/// </summary>
public sealed class ResourceReadTests
{
    public static TheoryData<string> Fixtures() => FuzzSeed.Names();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ReadResource_ResourceTypeFirstOrAnywhere_ReadsAsTheTolerantReader(string fixture)
    {
        var request = FuzzSeed.LoadAll().Single(s => s.Name == fixture).Request;
        var rng = new Random(fixture.Length);
        foreach (var resource in Resources(request))
        {
            var expected = Tolerant(resource);
            Assert.Equal(expected, Fast(resource));

            var shuffled = Shuffle(resource.DeepClone(), rng);
            Assert.Equal(expected, Fast(shuffled));
        }
    }

    private static IEnumerable<JsonObject> Resources(JsonNode request)
    {
        if (request["context"]?["draftOrders"] is JsonObject drafts)
        {
            yield return drafts;
        }

        foreach (var (_, value) in request["prefetch"] as JsonObject ?? [])
        {
            if (value is JsonObject resource)
            {
                yield return resource;
            }
        }
    }

    private static string? Fast(JsonNode resource) => Read(resource, FhirJson.ReadResource);

    private static string? Tolerant(JsonNode resource) => Read(resource, e => e.Deserialize(FhirJsonContext.Default.Resource));

    /// <summary>What a reader makes of the resource, written back as JSON, or where it refused it.</summary>
    private static string? Read(JsonNode resource, Func<JsonElement, Resource?> read)
    {
        using var document = JsonDocument.Parse(resource.ToJsonString());
        try
        {
            return read(document.RootElement) is { } r ? FhirJson.Serialize(r) : null;
        }
        catch (JsonException ex)
        {
            return "refused at " + ex.Path; // b10-wrong-type-inside-resource: both must refuse it, at the same place
        }
    }

    /// <summary>Every object's properties in a random order, resourceType last where there is one.</summary>
    private static JsonNode Shuffle(JsonNode node, Random rng)
    {
        switch (node)
        {
            case JsonObject o:
                var properties = o.ToList();
                o.Clear();
                foreach (var (key, value) in properties.OrderBy(p => p.Key == "resourceType" ? 1 : 0).ThenBy(_ => rng.Next()))
                {
                    o[key] = value is null ? null : Shuffle(value, rng);
                }

                return o;
            case JsonArray a:
                var items = a.ToList();
                a.Clear();
                foreach (var item in items)
                {
                    a.Add(item is null ? null : Shuffle(item, rng));
                }

                return a;
            default:
                return node;
        }
    }
}
