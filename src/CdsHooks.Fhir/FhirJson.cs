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

    /// <summary>
    /// The one way to read FHIR that comes from outside (a hook request, a FHIR server's answer): FHIR
    /// JSON's own rules first (<see cref="FhirJsonRules"/>), then the typed read. Never throws for bad
    /// content: it returns where the content is wrong (relative to <paramref name="element"/>, e.g.
    /// ".entry[0].resource.subject", "" for the element itself) and what is wrong.
    /// </summary>
    public static (Resource? Resource, string? Path, string? Problem) ReadChecked(JsonElement element)
    {
        if (FhirJsonRules.FindViolation(element) is { } hole)
        {
            return (null, hole.Path, hole.Problem);
        }

        try
        {
            return (ReadResource(element), null, null);
        }
        catch (JsonException ex)
        {
            return (null, ex.Path is { Length: > 1 } p ? p[1..] : string.Empty, FirstSentence(ex.Message));
        }
        catch (InvalidOperationException ex)
        {
            return (null, string.Empty, FirstSentence(ex.Message));
        }
    }

    /// <summary>
    /// <see cref="ReadChecked(JsonElement)"/> for UTF-8 bytes (a FHIR server's answer): plain FHIR, nearly all of
    /// it, is read in one pass (<see cref="FhirStreamReader.TryRead"/>), with the same result; whatever that
    /// declines is parsed and read by the checked path. Throws <see cref="JsonException"/> for bytes that are not JSON.
    /// </summary>
    public static (Resource? Resource, string? Path, string? Problem) ReadChecked(ReadOnlyMemory<byte> json)
    {
        if (FhirStreamReader.TryRead(json) is { } resource)
        {
            return (resource, null, null);
        }

        using var document = JsonDocument.Parse(json);
        return ReadChecked(document.RootElement);
    }

    /// <summary>The first sentence of a System.Text.Json message (the rest repeats path and position).</summary>
    public static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }

    /// <summary>Reads one resource of any type; throws <see cref="JsonException"/> with a path on bad JSON.</summary>
    public static Resource? ParseResource(string json) =>
        JsonSerializer.Deserialize(json, FhirJsonContext.Default.Resource);

    public static string Serialize(Resource resource) =>
        JsonSerializer.Serialize(resource, FhirJsonContext.Default.Resource);
}
