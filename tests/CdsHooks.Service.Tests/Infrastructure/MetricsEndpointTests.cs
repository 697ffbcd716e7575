using System.Net;
using System.Text.RegularExpressions;
using CdsHooks.Service.Tests.Prefetch;
using Xunit.Abstractions;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary><c>GET /metrics</c> (docs/operations.md): not served unless <c>Telemetry:Prometheus</c> is on; when on, the
/// Prometheus text holds the service meter's counters after a hook call, under the names the alert rules use
/// (deploy/prometheus/alerts.yaml: every name its expressions use is checked against the scrape).</summary>
public sealed partial class MetricsEndpointTests(ITestOutputHelper output)
{
    /// <summary>Counters that have no series until their first event (the exporter writes none before): a rule failure.</summary>
    private static readonly string[] FirstEventOnly = ["cds_rule_failures_total"];

    [Fact]
    public async Task Metrics_ByDefault_NotFound()
    {
        await using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_PrometheusOnAfterHookCalls_ServesTheServiceCounters()
    {
        await using var factory = new CdsServiceFactory(new Dictionary<string, string?>
        {
            ["Telemetry:Prometheus"] = "true",
            ["FhirAccess:TimeoutMs"] = "5000", // a cold test process must not turn the stub's 500 into a timeout
            ["FhirAccess:AttemptTimeoutMs"] = "5000",
        });
        using var client = factory.CreateClient();
        await using var fhir = HttpStub.Start();
        fhir.On("Observation", StubResponse.Fail(500)); // a failed read, counted by outcome

        Assert.Equal(HttpStatusCode.OK, (await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole())).Status);
        Assert.Equal(HttpStatusCode.OK, (await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole(fhir.BaseUrl, "t"))).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole(), service: "no-such-service")).Status);
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var names = Names().Matches(text).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        output.WriteLine(string.Join("\n", names));
        output.WriteLine(string.Join("\n", text.Split('\n').Where(l => l.StartsWith("cds_", StringComparison.Ordinal) || l.StartsWith("resilience_polly_strategy_events", StringComparison.Ordinal) || l.StartsWith("http_client_request_duration_seconds_count", StringComparison.Ordinal))));
        foreach (var name in AlertNames())
        {
            Assert.True(names.Contains(name) || FirstEventOnly.Contains(name), $"deploy/prometheus/alerts.yaml uses {name}, which is not exported");
        }

        // The labels the alerts select on, as the exporter names them.
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*http_request_method=""POST""[^}]*http_response_status_code=""200""[^}]*http_route=""/cds-services/\{id\}""", text);
        Assert.Matches(@"cds_ready\{[^}]*\} [01]", text);

        Assert.Matches(@"cds_hook_calls_total\{[^}]*service=""triple-positive-order-sign""[^}]*\} [1-9]", text);
        Assert.Matches(@"cds_cards_total\{[^}]*rule=""tdm1-with-endocrine""[^}]*\} [1-9]", text);
        Assert.Matches(@"cds_requests_rejected_total\{[^}]*status=""404""[^}]*\} [1-9]", text);
        Assert.Matches(@"cds_fhir_reads_total\{[^}]*outcome=""http_error""[^}]*\} [1-9]", text);
        Assert.Matches(@"cds_prefetch_unavailable_total\{[^}]*kind=""Observations""[^}]*\} [1-9]", text);
        Assert.DoesNotContain("pat-1", text, StringComparison.Ordinal);
    }

    /// <summary>The metric names in the alert rules' expressions.</summary>
    private static List<string> AlertNames()
    {
        var rules = File.ReadAllText(Path.Combine(Repo.Root, "deploy", "prometheus", "alerts.yaml"));
        var expressions = string.Join("\n", ExprLines().Matches(rules).Select(m => m.Groups[1].Value));
        var found = MetricNames().Matches(expressions).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(found.Count >= 6, "alert expressions not found in alerts.yaml");
        return found;
    }

    /// <summary>An <c>expr:</c> and its folded continuation lines (everything up to the rule's next key).</summary>
    [GeneratedRegex(@"expr:((?:.|\n)*?)\n\s+(?:for|labels):")]
    private static partial Regex ExprLines();

    /// <summary>A metric name; not a label (<c>http_route="…"</c>), which a matcher follows.</summary>
    [GeneratedRegex(@"\b(?:cds|http|kestrel|dotnet|resilience|aspnetcore)_[a-z0-9_]+\b(?!\s*(?:=|!=|!~))")]
    private static partial Regex MetricNames();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{| )", RegexOptions.Multiline)]
    private static partial Regex Names();
}
