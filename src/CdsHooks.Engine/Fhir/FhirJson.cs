using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsHooks.Engine.Fhir;

/// <summary>
/// The one set of options for FHIR resources in and out of the service: Firely's System.Text.Json converters
/// for the R4 model. No validator runs while reading (the Firely SDK would build a validation context for every
/// element, twice the cost of the parse): an element in the wrong shape or with a wrong literal is kept aside
/// by the deserializer and throws only when it is read, so an element no rule reads never costs anything, and
/// <see cref="RecordCheck"/> reads every element the engine uses once, up front.
/// </summary>
public static class FhirJson
{
    public static readonly JsonSerializerOptions Options =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector, new FhirJsonConverterOptions { Validator = null });
}

/// <summary>A FHIR resource inside a CDS Hooks object (a suggestion's action): written and read by Firely.</summary>
public sealed class FhirResourceConverter : JsonConverter<Resource>
{
    public override Resource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<Resource>(ref reader, FhirJson.Options);

    public override void Write(Utf8JsonWriter writer, Resource value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), FhirJson.Options);
}
