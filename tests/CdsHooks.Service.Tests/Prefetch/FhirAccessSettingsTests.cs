using System.Diagnostics;
using System.Net;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>FhirAccess settings that change behaviour: allow-list, open servers, parallelism, pages,
/// circuit breaker, cancellation. Each test has its own service and stub FHIR server.</summary>
[Collection(TimingCollection.Name)]
public sealed class FhirAccessSettingsTests : IAsyncLifetime
{
    private HttpStub _fhir = null!;

    public Task InitializeAsync()
    {
        _fhir = HttpStub.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _fhir.DisposeAsync();

    [Fact]
    public async Task Post_FhirServerNotConfigured_NeverCalled()
    {
        await using var service = await Start(new() { ["FhirAccess:Servers:0"] = "https://ehr.example.org/fhir" });

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Empty(_fhir.Requests);
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal);
        Assert.Contains("not a configured FHIR server", service.Logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoTokenAndServerNotOpen_NeverCalled()
    {
        await using var service = await Start(new() { ["FhirAccess:OpenServers:0"] = "https://open.example.org/fhir" });

        var withoutToken = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl));
        Assert.Empty(_fhir.Requests);
        Assert.Contains("could not be obtained", withoutToken.Details, StringComparison.Ordinal);

        var withToken = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));
        Assert.Equal(6, _fhir.Requests.Count);
        Assert.DoesNotContain("could not be obtained", withToken.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SixMissingKeys_FetchedInParallel()
    {
        await using var service = await Start(new() { ["FhirAccess:TimeoutMs"] = "3000", ["FhirAccess:AttemptTimeoutMs"] = "3000" });
        _fhir.OnAnyRoute(StubResponse.Searchset(null) with { DelayMs = 150 });
        _fhir.On("Patient", StubResponse.Json("{\"resourceType\":\"Patient\",\"id\":\"pat-1\"}", 150));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(6, _fhir.MostArrivedWithin(TimeSpan.FromMilliseconds(150)));
        Assert.True(answer.Elapsed < TimeSpan.FromMilliseconds(6 * 150), $"6 reads of 150 ms took {answer.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Post_SlowFirstAttempt_AbandonedAfterAttemptTimeoutAndRetried()
    {
        await using var service = await Start(new() { ["FhirAccess:TimeoutMs"] = "2000", ["FhirAccess:AttemptTimeoutMs"] = "200" });
        _fhir.On("MedicationRequest",
            StubResponse.Searchset(null, FhirFallbackTests.ActiveLetrozole) with { DelayMs = 5000 },
            StubResponse.Searchset(null, FhirFallbackTests.ActiveLetrozole));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmAlone(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2, _fhir.Count("MedicationRequest"));
        Assert.Single(answer.Combination); // the retry brought the letrozole in the history
        Assert.True(answer.Elapsed < TimeSpan.FromMilliseconds(2000), $"answered in {answer.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Post_MorePagesThanAllowed_KeepsPagesReadAndNamesKindIncomplete()
    {
        await using var service = await Start(new() { ["FhirAccess:MaxPages"] = "2" });
        _fhir.On("MedicationRequest",
            StubResponse.Searchset("{base}MedicationRequest?page=2", FhirFallbackTests.CompletedAspirin),
            StubResponse.Searchset("{base}MedicationRequest?page=3", FhirFallbackTests.ActiveLetrozole),
            StubResponse.Searchset(null, FhirFallbackTests.CompletedAspirin));

        var answer = await HookCalls.PostAsync(service.Client, HookCalls.TdmAlone(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2, _fhir.Count("MedicationRequest"));
        Assert.Single(answer.Combination); // page 2's letrozole is used ...
        Assert.Contains("medication orders could not be obtained", answer.Details, StringComparison.Ordinal); // ... and the rest is named
    }

    [Fact]
    public async Task Post_ServerKeepsFailing_CircuitOpensAndServerIsLeftAlone()
    {
        await using var service = await Start(new()
        {
            ["FhirAccess:BreakerMinimumThroughput"] = "4",
            ["FhirAccess:BreakerBreakSeconds"] = "60",
        });
        _fhir.OnAnyRoute(StubResponse.Fail(503));

        var first = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));
        var calls = _fhir.Requests.Count;
        var second = await HookCalls.PostAsync(service.Client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t"));

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(calls, _fhir.Requests.Count);
        Assert.Contains("circuit open", service.Logs.All, StringComparison.Ordinal);
        Assert.Contains("could not be obtained", second.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_CallerGivesUp_CancellationReachesFhirServer()
    {
        await using var service = await Start(new() { ["FhirAccess:TimeoutMs"] = "10000", ["FhirAccess:AttemptTimeoutMs"] = "10000" });
        _fhir.OnAnyRoute(StubResponse.Hangs);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => service.Client.PostAsync(
            new Uri($"/cds-services/{HookCalls.OrderSign}", UriKind.Relative),
            new StringContent(HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t").ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
            giveUp.Token));

        var waited = Stopwatch.StartNew();
        while (_fhir.Abandoned < 6 && waited.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }

        Assert.Equal(6, _fhir.Abandoned); // all six reads were cancelled long before their 10 s timeout
    }

    /// <summary>A service with these settings; the FHIR deadline is 2 s unless given (behaviour, not latency).</summary>
    private static async Task<ServiceWithFhirAccess> Start(Dictionary<string, string?> settings)
    {
        settings.TryAdd("FhirAccess:TimeoutMs", "2000");
        var service = new ServiceWithFhirAccess(settings);
        await service.InitializeAsync();
        return service;
    }
}
