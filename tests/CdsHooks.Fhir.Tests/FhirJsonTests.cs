using System.Text.Json;
using CdsHooks.Fhir;

namespace CdsHooks.Fhir.Tests;

public class FhirJsonTests
{
    [Fact]
    public void ParseResource_ResourceTypeNotFirst_ReadsMedicationRequest()
    {
        var json = """{"id":"mr1","status":"draft","resourceType":"MedicationRequest","medicationCodeableConcept":{"text":"Kadcyla"}}""";

        var resource = FhirJson.ParseResource(json);

        var request = Assert.IsType<MedicationRequest>(resource);
        Assert.Equal("mr1", request.Id);
        Assert.Equal("Kadcyla", request.MedicationCodeableConcept?.Text);
    }

    [Fact]
    public void ParseResource_UnknownElementsAndExtensions_AreIgnored()
    {
        var json = """
            {"resourceType":"Observation","id":"o1","extension":[{"url":"x","valueString":"y"}],
             "_status":{"extension":[]},"status":"final","somethingNew":{"a":[1,2,3]},
             "valueQuantity":{"value":4.5,"unit":"g/dL"}}
            """;

        var observation = Assert.IsType<Observation>(FhirJson.ParseResource(json));

        Assert.Equal(4.5m, observation.ValueQuantity?.Value);
    }

    [Fact]
    public void ParseResource_UnknownResourceType_ReadsAsBaseResource()
    {
        var bundle = Assert.IsType<Bundle>(FhirJson.ParseResource(
            """{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"ServiceRequest","id":"s1","status":"draft"}}]}"""));

        var entry = Assert.Single(bundle.Entry!);
        Assert.NotNull(entry.Resource);
        Assert.Null(entry.Resource!.TypeName);
        Assert.Equal("s1", entry.Resource.Id);
    }

    [Fact]
    public void ParseResource_WrongValueType_ThrowsWithPath()
    {
        var ex = Assert.Throws<JsonException>(() => FhirJson.ParseResource(
            """{"resourceType":"MedicationRequest","dosageInstruction":[{"timing":{"repeat":{"period":"three"}}}]}"""));

        Assert.Contains("dosageInstruction", ex.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_OperationOutcome_OmitsNullsAndWritesResourceType()
    {
        var json = FhirJson.Serialize(OperationOutcome.Error("invalid", "bad"));

        Assert.Equal("""{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"bad"}]}""", json);
    }

    [Fact]
    public void NextLink_PaginatedSearchset_ReturnsNextUrl()
    {
        var bundle = Assert.IsType<Bundle>(FhirJson.ParseResource(
            """{"resourceType":"Bundle","type":"searchset","link":[{"relation":"self","url":"a"},{"relation":"next","url":"b"}]}"""));

        Assert.Equal("b", bundle.NextLink);
    }

    [Theory]
    [InlineData("2024", "2024-01-01T00:00:00+00:00")]
    [InlineData("2024-05", "2024-05-01T00:00:00+00:00")]
    [InlineData("2024-05-17", "2024-05-17T00:00:00+00:00")]
    [InlineData("2024-05-17T10:30:00+02:00", "2024-05-17T08:30:00+00:00")]
    public void Parse_FhirDateForms_ReturnsInstant(string value, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), FhirDate.Parse(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-date")]
    [InlineData("2024-13-45")]
    public void Parse_InvalidDate_ReturnsNull(string? value)
    {
        Assert.Null(FhirDate.Parse(value));
    }
}
