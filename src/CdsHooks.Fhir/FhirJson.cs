using System.Text.Json;
using System.Text.Json.Serialization;

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
    /// <summary>Reads one resource of any type; throws <see cref="JsonException"/> with a path on bad JSON.</summary>
    public static Resource? ParseResource(string json) =>
        JsonSerializer.Deserialize(json, FhirJsonContext.Default.Resource);

    public static string Serialize(Resource resource) =>
        JsonSerializer.Serialize(resource, FhirJsonContext.Default.Resource);
}
