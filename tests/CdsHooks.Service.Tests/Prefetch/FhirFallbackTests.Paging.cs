using System.Net;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>Searchsets in pages: next links followed on the FHIR server only, and an incomplete first page named.</summary>
public sealed partial class FhirFallbackTests
{
    [Fact]
    public async Task Post_FetchedSearchsetPaginated_FollowsNextLinks()
    {
        _fhir.On("MedicationRequest",
            StubResponse.Searchset("{base}MedicationRequest?patient=pat-1&page=2", CompletedAspirin),
            StubResponse.Searchset(null, ActiveLetrozole));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmAlone(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2, _fhir.Count("MedicationRequest"));
        Assert.Contains(_fhir.Requests, r => r.PathAndQuery.EndsWith("page=2", StringComparison.Ordinal) && r.Authorization == "Bearer t");
        Assert.Single(answer.Combination); // letrozole was on page 2
    }

    [Fact]
    public async Task Post_PrefetchedSearchsetPaginated_FollowsNextLinkOnFhirServer()
    {
        _fhir.On("MedicationRequest", StubResponse.Searchset(null, ActiveLetrozole));
        var body = HookCalls.TdmAlone(_fhir.BaseUrl, "t")
            .WithPrefetch("medicationRequests", StubResponse.FhirPage(_fhir.BaseUrl + "MedicationRequest?patient=pat-1&page=2", CompletedAspirin));

        var answer = await HookCalls.PostAsync(service.Client, body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(1, _fhir.Count("MedicationRequest"));
        Assert.Single(answer.Combination);
    }

    [Fact]
    public async Task Post_NextLinkOutsideFhirServer_NotFollowedAndNamedAsNotChecked()
    {
        await using var elsewhere = HttpStub.Start();
        _fhir.On("MedicationRequest", StubResponse.Searchset(elsewhere.BaseUrl + "MedicationRequest?page=2", CompletedAspirin));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(elsewhere.Requests);
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_PrefetchedNextLinkWithoutFhirServer_KeepsFirstPageAndNamesItIncomplete()
    {
        var body = HookCalls.TdmWithLetrozole()
            .WithPrefetch("medicationRequests", StubResponse.FhirPage("https://ehr.example.org/fhir/MedicationRequest?page=2", CompletedAspirin));
        foreach (var key in new[] { "patient", "conditions", "observations", "medicationStatements", "medicationAdministrations" })
        {
            body.WithPrefetch(key, null);
        }

        var answer = await HookCalls.PostAsync(service.Client, body);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("medication statements could not be obtained", answer.Details, StringComparison.Ordinal);
    }
}
