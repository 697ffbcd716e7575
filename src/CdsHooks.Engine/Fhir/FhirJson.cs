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

    /// <summary>
    /// Reads and writes one small resource of each type the service handles, so that Firely builds its class
    /// mappings and the JIT compiles the readers at start-up rather than in the first clinician's call.
    /// </summary>
    public static void WarmUp()
    {
        const string sample = """
            {"resourceType":"Bundle","type":"collection","entry":[
             {"resource":{"resourceType":"MedicationRequest","id":"w","status":"draft","intent":"order","subject":{"reference":"Patient/w"},
              "medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"72965"}],"text":"letrozole"},
              "dosageInstruction":[{"text":"daily","timing":{"repeat":{"frequency":1,"period":1,"periodUnit":"d","boundsPeriod":{"start":"2026-01-01"}}},
               "doseAndRate":[{"doseQuantity":{"value":2.5,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}]}]}},
             {"resource":{"resourceType":"MedicationStatement","id":"w","status":"active","medicationCodeableConcept":{"text":"x"},"effectivePeriod":{"start":"2026-01-01"}}},
             {"resource":{"resourceType":"MedicationAdministration","id":"w","status":"completed","medicationReference":{"reference":"#m"},
              "contained":[{"resourceType":"Medication","id":"m","code":{"text":"x"}}],"effectiveDateTime":"2026-01-01T10:00:00Z"}},
             {"resource":{"resourceType":"Observation","id":"w","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"777-3"}]},
              "effectiveDateTime":"2026-01-01","valueQuantity":{"value":210,"unit":"10*3/uL"},"referenceRange":[{"high":{"value":400}}]}},
             {"resource":{"resourceType":"Condition","id":"w","clinicalStatus":{"coding":[{"code":"active"}]},"code":{"text":"x"},"onsetDateTime":"2026-01-01"}},
             {"resource":{"resourceType":"Patient","id":"w"}},
             {"resource":{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid"}]}}]}
            """;
        var bundle = (Bundle)JsonSerializer.Deserialize<Resource>(sample, Options)!;
        foreach (var entry in bundle.Entry)
        {
            _ = RecordCheck.FirstFault(entry.Resource!);
        }

        _ = JsonSerializer.Serialize<Resource>(bundle, Options);
    }
}

/// <summary>A FHIR resource inside a CDS Hooks object (a suggestion's action): written and read by Firely.</summary>
public sealed class FhirResourceConverter : JsonConverter<Resource>
{
    public override Resource? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<Resource>(ref reader, FhirJson.Options);

    public override void Write(Utf8JsonWriter writer, Resource value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), FhirJson.Options);
}
