using System.Net;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>
/// Missing prefetch is read from a real FHIR server (WireMock.Net on 127.0.0.1) through the typed
/// client and its resilience pipeline. Whatever the server does, the hook answers within its budget
/// (FhirAccess:TimeoutMs: 1 s in these tests, 300 ms by default) with the cards the drafts allow, naming
/// what was not checked.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed partial class FhirFallbackTests(ServiceWithFhirAccess service) : IClassFixture<ServiceWithFhirAccess>, IAsyncLifetime
{
    /// <summary>The fixture's budget plus a generous allowance for a shared 2-core machine.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(ServiceWithFhirAccess.TimeoutMs + 300);

    internal const string ActiveLetrozole =
        "{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-hist-let\",\"status\":\"active\",\"intent\":\"order\"," +
        "\"subject\":{\"reference\":\"Patient/pat-1\"},\"authoredOn\":\"2026-05-10\",\"medicationCodeableConcept\":{\"coding\":" +
        "[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":\"72965\",\"display\":\"letrozole\"}],\"text\":\"letrozole 2.5 mg tablet\"}}";

    internal const string CompletedAspirin =
        "{\"resourceType\":\"MedicationRequest\",\"id\":\"mr-hist-asa\",\"status\":\"completed\",\"intent\":\"order\"," +
        "\"subject\":{\"reference\":\"Patient/pat-1\"},\"medicationCodeableConcept\":{\"text\":\"aspirin 81 mg\"}}";

    private HttpStub _fhir = null!;

    public Task InitializeAsync()
    {
        _fhir = HttpStub.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fhir.DisposeAsync();

    [Fact]
    public async Task Post_NoPrefetchServerAnswers_FetchesSixKeysWithTokenAndChecksEverything()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "secret-fhir-token-1"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
        Assert.DoesNotContain("could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.Equal(6, _fhir.Requests.Count);
        Assert.All(_fhir.Requests, r => Assert.Equal("Bearer secret-fhir-token-1", r.Authorization));
        Assert.Contains(_fhir.Requests, r => r.PathAndQuery == "/fhir/Patient/pat-1");
        Assert.DoesNotContain("secret-fhir-token-1", service.Logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-1", service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PartialPrefetch_FetchesOnlyAbsentAndFailedKeys()
    {
        var body = HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t")
            .WithPrefetch("patient", "{\"resourceType\":\"Patient\",\"id\":\"pat-1\"}")
            .WithPrefetch("conditions", null)
            .WithPrefetch("observations", StubResponse.FhirPage(null))
            .WithPrefetch("medicationRequests", "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"timeout\"}]}");

        var answer = await HookCalls.PostAsync(service.Client, body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(["MedicationAdministration", "MedicationRequest", "MedicationStatement"], _fhir.Requests.Select(r => r.Route).Order());
        Assert.DoesNotContain("could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ServerHangs_AnswersWithinBudgetWithCardNamingWhatWasNotChecked()
    {
        _fhir.OnAnyRoute(StubResponse.Hangs);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
        Assert.Contains("could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.True(answer.Elapsed < Budget, $"answered in {answer.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Post_ServerHangsAndNothingJudgeable_Answers412WithinBudget()
    {
        _fhir.OnAnyRoute(StubResponse.Hangs);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.LetrozoleAlone(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, answer.Status);
        Assert.Equal("OperationOutcome", (string?)answer.Body?["resourceType"]);
        Assert.Equal("prefetch.conditions", (string?)answer.Body?["issue"]?[0]?["expression"]?[0]);
        Assert.Contains("did not answer", (string?)answer.Body?["issue"]?[0]?["diagnostics"], StringComparison.Ordinal);
        Assert.True(answer.Elapsed < Budget, $"answered in {answer.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Post_TransientErrorThenSuccess_RetriedOnceAndDataUsed()
    {
        _fhir.On("MedicationRequest", StubResponse.Fail(503), StubResponse.Searchset(null, ActiveLetrozole));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmAlone(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2, _fhir.Count("MedicationRequest"));
        Assert.Single(answer.Combination); // the letrozole in the history makes T-DM1 a combination
    }

    [Theory]
    [InlineData(500, 2)]
    [InlineData(503, 2)]
    [InlineData(401, 1)]
    [InlineData(403, 1)]
    [InlineData(400, 1)]
    public async Task Post_ServerAnswersError_RetriesOnlyTransientAndNamesWhatWasNotChecked(int status, int attempts)
    {
        _fhir.On("MedicationStatement", StubResponse.Fail(status));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(attempts, _fhir.Count("MedicationStatement"));
        Assert.Contains("medication statements could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("pat-1", service.Logs.All, StringComparison.Ordinal); // the resilience logs name the server only
    }

    [Fact]
    public async Task Post_MalformedJson_NotRetriedAndNamedAsNotChecked()
    {
        _fhir.On("Observation", StubResponse.Malformed);

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, _fhir.Count("Observation"));
        Assert.Contains("(observations) could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ServerAnswerBreaksFhirJson_NamedAsNotCheckedNever500()
    {
        // The same FHIR JSON rules as for the request: a null inside an array is not FHIR, and must not
        // reach the engine (it used to throw while building the regimen: a 500 with no card). The record is left
        // out and named in the cards; the rest of the page is used.
        _fhir.On("MedicationStatement", StubResponse.Searchset(null,
            "{\"resourceType\":\"MedicationStatement\",\"id\":\"ms-x\",\"status\":\"active\",\"medicationCodeableConcept\":{\"coding\":[null]}}"));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
        Assert.Contains("MedicationStatement/ms-x (medication.coding[0]: null is not a FHIR value inside an array) could not be read",
            answer.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ConnectionReset_RetriedThenNamedAsNotChecked()
    {
        // A fault WireMock cannot produce, so every read goes to a server that resets them all: the six reads and their
        // retries are 12 failures, and the breaker (10 calls at least, half failing) may open before the last retries.
        await using var resets = RawSocketServer.Resetting();

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(resets.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
        Assert.InRange(resets.Routes.Count, 10, 12); // each read once, and retried until the circuit opened
        Assert.Equal(6, resets.Routes.Distinct().Count());
        Assert.Contains("diagnoses (conditions) could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ConnectionRefused_AnswersFastWithCardNamingEverything()
    {
        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(HttpStub.RefusedUrl(), "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(answer.Combination);
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.True(answer.Elapsed < Budget, $"answered in {answer.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Post_NullPrefetchEverywhere_NothingFetched()
    {
        var body = HookCalls.LetrozoleAlone(_fhir.BaseUrl, "t");
        foreach (var (key, _) in Service.Hooks.CdsServiceCatalog.PrefetchTemplates)
        {
            body.WithPrefetch(key, null);
        }

        var answer = await HookCalls.PostAsync(service.Client, body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(answer.Cards);
        Assert.Empty(_fhir.Requests);
    }
}
