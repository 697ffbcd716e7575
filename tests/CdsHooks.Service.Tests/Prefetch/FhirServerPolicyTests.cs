using CdsHooks.Service.Prefetch;

namespace CdsHooks.Service.Tests.Prefetch;

/// <summary>fhirServer is chosen by the caller: outside Development only configured https servers are called.</summary>
public sealed class FhirServerPolicyTests
{
    private static FhirServerPolicy Production(bool loopbackHttp = false, params string[] open) => new(new FhirAccessOptions
    {
        Servers = ["https://ehr.example.org/fhir/r4", "http://127.0.0.1:8080/fhir"],
        OpenServers = [.. open],
        AllowLoopbackHttp = loopbackHttp,
    }, development: false);

    [Theory]
    [InlineData("https://ehr.example.org/fhir/r4")]
    [InlineData("https://ehr.example.org/fhir/r4/")]
    [InlineData("https://EHR.example.org:443/fhir/r4")]
    [InlineData("https://ehr.example.org/fhir/r4/tenant-a")]
    public void Refusal_ConfiguredHttpsServer_Allowed(string server)
    {
        Assert.Null(Production().Refusal(new Uri(server), hasToken: true));
    }

    [Theory]
    [InlineData("http://ehr.example.org/fhir/r4", "https")]
    [InlineData("https://ehr.example.org/fhir/r4evil", "configured")]
    [InlineData("https://ehr.example.org/fhir", "configured")]
    [InlineData("https://ehr.example.org:8443/fhir/r4", "configured")]
    [InlineData("https://ehr.example.org.evil.com/fhir/r4", "configured")]
    [InlineData("https://169.254.169.254/latest/meta-data", "configured")]
    [InlineData("https://user:pass@ehr.example.org/fhir/r4", "user information")]
    [InlineData("http://127.0.0.1:8080/fhir", "https")]
    public void Refusal_OtherServers_RefusedOutsideDevelopment(string server, string reason)
    {
        Assert.Contains(reason, Production().Refusal(new Uri(server), hasToken: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_LoopbackHttpWhenAllowed_Allowed()
    {
        Assert.Null(Production(loopbackHttp: true).Refusal(new Uri("http://127.0.0.1:8080/fhir"), hasToken: true));
    }

    [Fact]
    public void Refusal_NoTokenAndNotOpen_Refused()
    {
        Assert.Contains("not configured as open", Production().Refusal(new Uri("https://ehr.example.org/fhir/r4"), hasToken: false), StringComparison.Ordinal);
        Assert.Null(Production(false, "https://ehr.example.org/fhir/r4").Refusal(new Uri("https://ehr.example.org/fhir/r4"), hasToken: false));
        Assert.Null(Production(false, "*").Refusal(new Uri("https://ehr.example.org/fhir/r4"), hasToken: false));
    }

    [Fact]
    public void Refusal_DevelopmentWithoutServers_AnyHttpServerAllowed()
    {
        var policy = new FhirServerPolicy(new FhirAccessOptions(), development: true);

        Assert.Null(policy.Refusal(new Uri("http://localhost:9090/fhir"), hasToken: true));
        Assert.NotNull(policy.Refusal(new Uri("http://localhost:9090/fhir"), hasToken: false)); // open servers still need configuring
    }

    [Theory]
    [InlineData("Condition?patient=1", "https://ehr.example.org/fhir/r4/Condition?patient=1")]
    [InlineData("Patient/1", "https://ehr.example.org/fhir/r4/Patient/1")]
    [InlineData("https://ehr.example.org/fhir/r4/Condition?patient=1&page=2", "https://ehr.example.org/fhir/r4/Condition?patient=1&page=2")]
    [InlineData("https://evil.example.com/fhir/r4/Condition?page=2", null)]
    [InlineData("//evil.example.com/x", null)]
    [InlineData("/admin", null)]
    [InlineData("../../admin", null)]
    public void Resolve_QueryOrNextLink_StaysUnderFhirServer(string query, string? expected)
    {
        Assert.Equal(expected, FhirFetcher.Resolve(new Uri("https://ehr.example.org/fhir/r4"), query)?.AbsoluteUri);
    }

    [Fact]
    public void Validate_BadSettings_ListsEveryError()
    {
        var errors = new FhirAccessOptions { Servers = ["http://ehr.example.org/fhir", "not a url"], TimeoutMs = 5, MaxPages = 0 }.Validate(development: false);

        Assert.Equal(5, errors.Count);
    }
}
