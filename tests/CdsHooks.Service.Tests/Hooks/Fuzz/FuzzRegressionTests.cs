using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>
/// The minimal inputs the fuzzer found (docs/performance.md, Robustness), kept as plain tests so the
/// fixes stay fixed whatever seed the fuzzer runs with, next to legal FHIR they must not reject.
/// </summary>
public sealed class FuzzRegressionTests(FixtureServer server) : IClassFixture<FixtureServer>
{
    private const string SignPath = "/cds-services/triple-positive-order-sign";

    private const string Tdm1 = """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"1371041"}]}""";
    private const string Letrozole = """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"72965"}]}""";

    private static string Request(string firstDraft, string prefetch = "{}") =>
        $$$"""
        {"hookInstance":"f1","hook":"order-sign","context":{"patientId":"pat-1","draftOrders":{"resourceType":"Bundle","entry":[
          {"resource":{{{firstDraft}}}},
          {"resource":{"resourceType":"MedicationRequest","id":"mr-l","subject":{"reference":"Patient/pat-1"},"medicationCodeableConcept":{{{Letrozole}}}}}]}},
         "prefetch":{{{prefetch}}}}
        """;

    [Theory]
    [InlineData("""{"resourceType":"MedicationRequest","medicationCodeableConcept":{"coding":[null]}}""",
        "context.draftOrders.entry[0].resource.medication.coding[0]")]
    [InlineData("""{"resourceType":"MedicationRequest","id":"mr-k","subject":{},"medicationCodeableConcept":{"text":"Kadcyla"}}""",
        "context.draftOrders.entry[0].resource.subject")]
    [InlineData("""{"resourceType":"MedicationRequest","id":"mr-k","subject":{"reference":""},"medicationCodeableConcept":{"text":"Kadcyla"}}""",
        "context.draftOrders.entry[0].resource.subject.reference")]
    public async Task Post_HoleInFhirContent_Is400AtItsPath(string draft, string path)
    {
        var (status, json) = await PostAsync(Request(draft));

        Assert.Equal(400, status);
        Assert.Equal("OperationOutcome", (string?)json?["resourceType"]);
        Assert.Equal(path, (string?)json?["issue"]?[0]?["expression"]?[0]);
    }

    [Theory]
    [InlineData("""{"resourceType":"Resource"}""", "context.draftOrders.resourceType")] // abstract: Firely cannot build it
    [InlineData("""{"resourceType":"MedicationRequest","id":[],"medicationCodeableConcept":{"text":"Kadcyla"}}""",
        "context.draftOrders.entry[0].resource.id")]
    [InlineData("""[[]]""", "context.draftOrders.entry[0].resource.resourceType")]
    public async Task Post_DraftFirelyCannotRead_Is400AtItsPath(string draft, string path)
    {
        var (status, json) = await PostAsync(Request(draft));

        Assert.Equal(400, status);
        Assert.Equal(path, (string?)json?["issue"]?[0]?["expression"]?[0]);
    }

    [Theory]
    [InlineData("""{"resourceType":"Bundle","entry":[null]}""")]
    [InlineData("""{"resourceType":"Bundle","entry":true}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"DomainResource"}}]}""")]
    public async Task Post_PrefetchBundleFirelyCannotRead_KeyNotObtainedNever500(string observations)
    {
        var draft = $$$"""{"resourceType":"MedicationRequest","id":"mr-k","subject":{"reference":"Patient/pat-1"},"medicationCodeableConcept":{{{Tdm1}}}}""";

        var (status, json) = await PostAsync(Request(draft, $$"""{"observations":{{observations}}}"""));

        Assert.Equal(200, status);
        var details = string.Join("\n", CdsResponseAssert.Conforms(json).Select(c => (string?)c?["detail"]));
        Assert.Contains("(observations) could not be obtained", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SubjectByIdentifierOnly_SuggestionsNameThePatient()
    {
        // Legal FHIR (a logical reference); read as absent, so suggestions fall back to Patient/{patientId}
        // instead of copying an empty {} subject, which CDS Hooks forbids.
        var draft = $$$"""{"resourceType":"MedicationRequest","id":"mr-k","subject":{"identifier":{"system":"urn:mrn","value":"42"}},"medicationCodeableConcept":{{{Tdm1}}}}""";

        var (status, json) = await PostAsync(Request(draft));

        Assert.Equal(200, status);
        var cards = CdsResponseAssert.Conforms(json);
        var creates = cards.SelectMany(c => c?["suggestions"]?.AsArray() ?? []).SelectMany(s => s?["actions"]?.AsArray() ?? [])
            .Where(a => (string?)a?["type"] == "create").ToList();
        Assert.NotEmpty(creates);
        Assert.All(creates, a => Assert.Equal("Patient/pat-1", (string?)a?["resource"]?["subject"]?["reference"]));
    }

    [Fact]
    public async Task Post_NullsBesidePrimitiveExtensions_AreLegalAndAccepted()
    {
        // FHIR JSON §2.6.2: "given": ["Jane", null] with "_given": [null, {...}] is how an extension rides on
        // the second value; only such nulls are allowed.
        var patient = """{"patient":{"resourceType":"Patient","id":"pat-1","name":[{"given":["Jane",null],"_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"y"}]}]}]}}""";
        var draft = $$$"""{"resourceType":"MedicationRequest","id":"mr-k","subject":{"reference":"Patient/pat-1"},"medicationCodeableConcept":{{{Tdm1}}}}""";

        var (status, json) = await PostAsync(Request(draft, patient));

        Assert.Equal(200, status);
        CdsResponseAssert.Conforms(json);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })] // invalid UTF-8 inside the hook name
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'8', (byte)'0', (byte)'0' })] // a lone escaped surrogate
    public async Task Post_InvalidTextInAString_Is400(byte[] inside)
    {
        byte[] body = [.. """{"hook":"order-"""u8, .. inside, .. "sign\",\"hookInstance\":\"x\",\"context\":{}}"u8];

        var (status, json) = await PostAsync(body);

        Assert.Equal(400, status);
        Assert.Equal("OperationOutcome", (string?)json?["resourceType"]);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })] // invalid UTF-8 inside a prefetched resource
    [InlineData(new byte[] { (byte)'\\', (byte)'u', (byte)'d', (byte)'c', (byte)'0', (byte)'0' })] // a lone escaped low surrogate
    public async Task Post_InvalidTextInsideAResource_Is400NamingNoDotNetType(byte[] inside)
    {
        byte[] body =
        [
            .. """{"hook":"order-sign","hookInstance":"x","context":{"patientId":"pat-1","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"patient":{"resourceType":"Patient","id":"a"""u8,
            .. inside, .. "b\"}}}"u8,
        ];

        var (status, json) = await PostAsync(body);

        Assert.Equal(400, status);
        var diagnostics = (string?)json?["issue"]?[0]?["diagnostics"] ?? string.Empty;
        Assert.DoesNotContain("Hl7.Fhir", diagnostics, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"hook":"order-select","hookInstance":"x","context":{"patientId":"pat-1","draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"a"}}]},"selections":["\ud800"]}}""")]
    [InlineData("""{"hook":"order-select","hookInstance":"x","fhirServer":"https://ehr.example/fhir","fhirAuthorization":{"access_token":"\ud800"},"context":{"patientId":"pat-1","draftOrders":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"MedicationRequest","id":"a"}}]},"selections":["MedicationRequest/a"]}}""")]
    public async Task Post_LoneSurrogateInASmallMember_Is400(string body)
    {
        // Found by the fuzzer: selections and fhirAuthorization are decoded after the pass over the body.
        var outcome = await Outcome.PostAsync(server.Client, "/cds-services/triple-positive-order-select", Encoding.UTF8.GetBytes(body));

        Assert.Equal(400, outcome.Status);
    }

    [Fact]
    public async Task Post_InvalidTextInAResourceType_Is400NamingNoDotNetType()
    {
        // Found by the fuzzer: Firely's converter reported this as "could not be converted to Hl7.Fhir.Model.Resource".
        var body = """{"hook":"order-sign","hookInstance":"x","context":{"patientId":"pat-1","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"observations":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"a\udc00b"}}]}}}""";

        var (status, json) = await PostAsync(body);

        Assert.Equal(400, status);
        var diagnostics = (string?)json?["issue"]?[0]?["diagnostics"] ?? string.Empty;
        Assert.DoesNotContain("Hl7.Fhir", diagnostics, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", diagnostics, StringComparison.Ordinal);
    }

    private Task<(int, JsonNode?)> PostAsync(string body) => PostAsync(Encoding.UTF8.GetBytes(body));

    private async Task<(int, JsonNode?)> PostAsync(byte[] body)
    {
        var outcome = await Outcome.PostAsync(server.Client, SignPath, body);
        return (outcome.Status, JsonNode.Parse(outcome.Body));
    }
}
