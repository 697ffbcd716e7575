using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CdsHooks.Fhir;

/// <summary>Source-generated System.Text.Json metadata for the FHIR model.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(Resource))]
[JsonSerializable(typeof(Bundle))]
[JsonSerializable(typeof(OperationOutcome))]
public sealed partial class FhirJsonContext : JsonSerializerContext;

public static class FhirJson
{
    private static readonly JsonTypeInfo<Resource> ResourceTypeFirst = (JsonTypeInfo<Resource>)new JsonSerializerOptions(
        FhirJsonContext.Default.Options) { AllowOutOfOrderMetadataProperties = false }.GetTypeInfo(typeof(Resource));

    /// <summary>
    /// Reads one resource of any type from a parsed element. FHIR does not require resourceType to come
    /// first, so the reader must allow it anywhere, which costs about twice as much; nearly every sender
    /// writes it first. So read with that assumption first: a resource that breaks it makes the fast read
    /// throw (never misread), and it is read again allowing the discriminator anywhere.
    /// </summary>
    public static Resource? ReadResource(JsonElement element)
    {
        try
        {
            return element.Deserialize(ResourceTypeFirst);
        }
        catch (JsonException)
        {
            return element.Deserialize(FhirJsonContext.Default.Resource);
        }
    }

    /// <summary>Reads one resource of any type; throws <see cref="JsonException"/> with a path on bad JSON.</summary>
    public static Resource? ParseResource(string json) =>
        JsonSerializer.Deserialize(json, FhirJsonContext.Default.Resource);

    public static string Serialize(Resource resource) =>
        JsonSerializer.Serialize(resource, FhirJsonContext.Default.Resource);
}
