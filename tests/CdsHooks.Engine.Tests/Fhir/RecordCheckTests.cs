using System.Text.Json;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsHooks.Engine.Tests.Fhir;

/// <summary>RecordCheck on resources read from JSON as the service reads them (no validator while reading): a fault in an
/// element the engine uses is named, a fault in an element no rule reads is not.</summary>
public class RecordCheckTests
{
    private const string Loinc = """{"coding":[{"system":"http://loinc.org","code":"777-3"}]}""";
    private const string Drug = """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1371041"}]}""";

    /// <summary>Firely with its validation on: every resource in the fault lists must be refused by it, so that the
    /// faults there are real ones.</summary>
    private static readonly JsonSerializerOptions Strict =
        new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector).UsingMode(DeserializationMode.Strict);

    private static Resource Read(string json) =>
        JsonSerializer.Deserialize<Resource>(json, FhirJson.Options) ?? throw new InvalidOperationException("no resource in " + json);

    private static string Observation(string elements) =>
        $$"""{"resourceType":"Observation","id":"o1","status":"final","code":{{Loinc}},{{elements}}}""";

    private static string Request(string elements) =>
        $$"""{"resourceType":"MedicationRequest","id":"mr1","intent":"order","subject":{"reference":"Patient/p1"},{{elements}}}""";

    public static TheoryData<string, string> FaultsInUsedElements() => new()
    {
        { Observation("""  "effectiveDateTime":"2026-11-18","valueQuantity":{"value":"12","unit":"10*3/uL"}  """), "Observation.value.value" },
        { Observation("""  "effectiveDateTime":"2026-11-18","valueQuantity":{"value":12,"unit":""}  """), "Observation.value.unit" },
        { Observation("""  "effectiveDateTime":"2024-13-45","valueQuantity":{"value":12,"unit":"10*3/uL"}  """), "Observation.effective" },
        { Request($$"""  "status":"weird","medicationCodeableConcept":{{Drug}}  """), "MedicationRequest.status" },
        { Request($$"""  "status":"draft","medicationCodeableConcept":[{{Drug}}]  """), "MedicationRequest.medication" },
        { Request("\"status\":\"draft\",\"medicationCodeableConcept\":" + Drug + ",\"dosageInstruction\":[{\"timing\":{\"repeat\":{\"period\":\"3\"}}}]"),
            "MedicationRequest.dosageInstruction[0].timing.repeat.period" },
        { Request("""  "status":"draft","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":""}]}  """),
            "MedicationRequest.medication.coding[0].code" },
    };

    public static TheoryData<string> FaultsInUnusedElements() => new()
    {
        Request($$"""  "status":"draft","medicationCodeableConcept":{{Drug}},"category":{"text":"outpatient"}  """),
        Request($$"""  "status":"draft","medicationCodeableConcept":{{Drug}},"reasonCode":{"text":"metastatic breast cancer"}  """),
        Request($$"""  "status":"draft","medicationCodeableConcept":{{Drug}},"foo":"bar"  """),
        Observation("""  "effectiveDateTime":"2026-11-18","valueQuantity":{"value":12,"unit":"10*3/uL"},"foo":{"bar":1}  """),
    };

    public static TheoryData<string> ValidResources() => new()
    {
        Observation("""  "effectiveDateTime":"2026-11-18","valueQuantity":{"value":12,"unit":"10*3/uL"}  """),
        Observation("""  "effectivePeriod":{"start":"2026-11-18T09:00:00Z"},"valueString":"Positive"  """),
        Request($$"""  "status":"draft","medicationCodeableConcept":{{Drug}},"category":[{"text":"outpatient"}]  """),
        Request("""  "status":"active","medicationReference":{"reference":"#m1","display":"Kadcyla"},"authoredOn":"2026-11-01"  """),
        """{"resourceType":"MedicationStatement","id":"ms1","status":"completed","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"text":"letrozole"},"effectivePeriod":{"start":"2025-01-01","end":"2026-03-01"}}""",
        """{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"text":"Liver metastasis"},"onsetDateTime":"2024-12-20","recordedDate":"2025-01-02"}""",
    };

    [Theory]
    [MemberData(nameof(FaultsInUsedElements))]
    public void FirstFault_FaultInUsedElement_NamesTheElement(string json, string element)
    {
        Assert.Throws<DeserializationFailedException>(() => JsonSerializer.Deserialize<Resource>(json, Strict));

        var fault = RecordCheck.FirstFault(Read(json));

        Assert.NotNull(fault);
        Assert.Equal(element, fault.Element);
        Assert.False(string.IsNullOrWhiteSpace(fault.Reason));
    }

    [Theory]
    [MemberData(nameof(FaultsInUnusedElements))]
    public void FirstFault_FaultOnlyInElementNoRuleReads_ReturnsNull(string json)
    {
        Assert.Throws<DeserializationFailedException>(() => JsonSerializer.Deserialize<Resource>(json, Strict));

        Assert.Null(RecordCheck.FirstFault(Read(json)));
    }

    [Theory]
    [MemberData(nameof(ValidResources))]
    public void FirstFault_ValidResource_ReturnsNull(string json)
    {
        Assert.NotNull(JsonSerializer.Deserialize<Resource>(json, Strict));

        Assert.Null(RecordCheck.FirstFault(Read(json)));
    }

    [Fact]
    public void FirstFault_ResourceTheEngineDoesNotRead_ReturnsNull() =>
        Assert.Null(RecordCheck.FirstFault(Read("""{"resourceType":"Patient","id":"p1","gender":"female"}""")));

    [Theory]
    [InlineData("Observation", "value", true)]
    [InlineData("Observation", "effective", true)]
    [InlineData("MedicationRequest", "status", true)]
    [InlineData("MedicationRequest", "medication", true)]
    [InlineData("MedicationRequest", "category", false)]
    [InlineData("MedicationRequest", "reasonCode", false)]
    [InlineData("Patient", "gender", false)]
    public void Uses_Element_TellsWhetherTheEngineReadsIt(string resourceType, string element, bool expected) =>
        Assert.Equal(expected, RecordCheck.Uses(resourceType, element));
}
