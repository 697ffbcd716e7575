using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Fhir;
using CdsHooks.Service.Tests.Infrastructure;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace CdsHooks.Service.Tests.Hooks;

/// <summary>
/// Every FHIR resource the service writes, checked against the R4 base profiles by Firely's validator
/// (Firely.Fhir.Validation.R4 with the R4 specification package): the MedicationRequests of every suggestion in
/// every fixture's answer, the draft of every order template, and the OperationOutcome of every rejected fixture.
/// Zero errors; warnings and information (an RxNorm code the local terminology cannot look up) are allowed.
/// </summary>
public sealed class WrittenResourceValidationTests(FixtureServer server) : IClassFixture<FixtureServer>
{
    private static readonly Lazy<Validator> R4 = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source, LocalTerminologyService.CreateDefaultForCore(source));
    });

    public static TheoryData<string> Scenarios() => FixtureTests.Scenarios();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async System.Threading.Tasks.Task Answer_EveryWrittenResource_ValidR4(string scenario)
    {
        var folder = Path.Combine(Repo.Root, "fhir-fixtures", scenario);
        var body = await File.ReadAllTextAsync(Path.Combine(folder, "request.json"));
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "expected.json")))!.AsObject();
        var service = (string?)expected["service"] ?? FixtureTests.ServiceFor(body);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await server.Client.PostAsync(new Uri($"/cds-services/{service}", UriKind.Relative), content);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());

        var written = (int)response.StatusCode == 200
            ? (json?["cards"]?.AsArray() ?? []).SelectMany(c => c?["suggestions"]?.AsArray() ?? [])
                .SelectMany(s => s?["actions"]?.AsArray() ?? []).Select(a => a?["resource"]).OfType<JsonNode>().ToList()
            : [json!];
        foreach (var node in written)
        {
            AssertValid(JsonSerializer.Deserialize<Resource>(node.ToJsonString(), FhirJson.Options)!, scenario);
        }
    }

    [Fact]
    public void OrderTemplates_EveryDraftTheyCreate_ValidR4()
    {
        var knowledge = CdsHooks.Engine.CdsEngine.Load(Path.Combine(Repo.Root, "cds-cards"), new CdsHooks.Engine.EngineOptions(), TimeProvider.System).Knowledge;
        var orders = SuggestionBuilder.NewOrders(knowledge);
        Assert.NotEmpty(orders);
        foreach (var (id, order) in orders)
        {
            // Written as the service writes it (Firely), read back, validated: what the EHR receives.
            var text = JsonSerializer.Serialize<Resource>(order.Create(null, "pat-1"), FhirJson.Options);
            AssertValid(JsonSerializer.Deserialize<Resource>(text, FhirJson.Options)!, "order template " + id);
        }
    }

    [Fact]
    public void Validator_BrokenDraft_ReportsErrors()
    {
        // The check can fail: a MedicationRequest without its required status, intent and subject is invalid R4.
        var broken = new MedicationRequest { Medication = new CodeableConcept { Text = "letrozole" } };
        var outcome = R4.Value.Validate(broken, "http://hl7.org/fhir/StructureDefinition/MedicationRequest");
        Assert.Contains(outcome.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error);
    }

    private static void AssertValid(Resource resource, string where)
    {
        var outcome = R4.Value.Validate(resource, "http://hl7.org/fhir/StructureDefinition/" + resource.TypeName);
        var errors = outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{string.Join(",", i.Expression)}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
        Assert.True(errors.Count == 0, $"{where}: {resource.TypeName} is not valid R4:\n{string.Join("\n", errors)}");
    }
}
