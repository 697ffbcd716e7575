using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// Traces (docs/operations.md): a hook call that reads from the FHIR server is one request span with the five stage
/// spans under it and the FHIR reads under <c>cds.prefetch</c>; no span carries the patient's id, a resource id, a drug
/// name from the request or the FHIR query; and the spans reach an OTLP/HTTP collector on 127.0.0.1.
/// The OpenTelemetry listeners are process-wide: these tests run alone (not beside other test classes, whose spans would
/// be exported too), in the collection of the timing-sensitive tests.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class TracingTests : IAsyncLifetime
{
    private static readonly string[] Stages = ["cds.read", "cds.prefetch", "cds.facts", "cds.rules", "cds.cards"];

    private readonly OtlpReceiver _collector = new();

    /// <summary>The FHIR server: the warm-up's raw-socket server (every search answered with an empty searchset), not a
    /// WireMock stub. The ASP.NET Core instrumentation traces every ASP.NET Core host in the process, and a stub's server
    /// spans would record the patient's id in their path: the stub's, not the service's.</summary>
    private readonly LoopbackFhirServer _fhir = LoopbackFhirServer.Start(target => target.Contains("/Patient/", StringComparison.Ordinal)
        ? """{"resourceType":"Patient","id":"pat-1","gender":"female"}"""
        : StubResponse.FhirPage(null));

    private CdsServiceFactory _factory = null!;

    public async Task InitializeAsync()
    {
        _factory = new CdsServiceFactory(new Dictionary<string, string?>
        {
            ["Telemetry:OtlpEndpoint"] = _collector.Endpoint.AbsoluteUri,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["FhirAccess:TimeoutMs"] = "5000",
            ["FhirAccess:AttemptTimeoutMs"] = "5000",
        });
        using var client = _factory.CreateClient();
        await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t")); // JIT and the warm-up out of the way
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        _fhir.Dispose();
        _collector.Dispose();
    }

    [Fact]
    public async Task HookCall_WithFhirReads_FiveStageSpansUnderTheRequestAndNoPatientData()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ServiceTracing.SourceName or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var request = HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t");
        var answer = await PostTracedAsync(request, traceId);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.NotEmpty(answer.Cards);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var service = spans.ToList();
        Assert.Equal(HookCalls.OrderSign, server.GetTagItem("cds.service"));
        Assert.Equal(200, server.GetTagItem("cds.outcome"));
        foreach (var stage in Stages)
        {
            var span = Assert.Single(spans, s => s.OperationName == stage);
            Assert.Equal(server.SpanId, span.ParentSpanId);
            Assert.Equal(ServiceTracing.SourceName, span.Source.Name);
        }

        var prefetch = spans.Single(s => s.OperationName == "cds.prefetch");
        var reads = service.Where(s => s.Kind == ActivityKind.Client).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, read => Assert.Equal(prefetch.SpanId, read.ParentSpanId));
        Assert.Contains(reads, read => (string?)read.GetTagItem("url.full") == $"http://127.0.0.1:{_fhir.BaseUrl.Port}/Observation");
        Assert.Equal("tdm1-with-endocrine", Assert.IsType<string>(spans.Single(s => s.OperationName == "cds.cards").GetTagItem("cds.rules.fired"))
            .Split(',').Single(r => r == "tdm1-with-endocrine"));
        Assert.NotNull(spans.Single(s => s.OperationName == "cds.rules").GetTagItem("cds.knowledge.version"));

        var recorded = string.Join("\n", service.SelectMany(Values));
        foreach (var secret in PatientData(request))
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task HookCall_OtlpEndpointSet_SpansReachTheCollectorWithoutPatientData()
    {
        var request = HookCalls.TdmWithLetrozole(_fhir.BaseUrl, "t");
        var answer = await PostTracedAsync(request, ActivityTraceId.CreateRandom());
        Assert.Equal(HttpStatusCode.OK, answer.Status);

        Assert.True(_factory.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000));
        var batches = _collector.Received("/v1/traces");
        Assert.NotEmpty(batches);
        Assert.All(batches, b => Assert.Equal("application/x-protobuf", b.ContentType));
        var exported = string.Concat(batches.Select(b => Encoding.UTF8.GetString(b.Body))); // protobuf strings are UTF-8 as they are
        foreach (var name in Stages.Append("cds-hooks").Append("/cds-services/{id}"))
        {
            Assert.Contains(name, exported, StringComparison.Ordinal);
        }

        foreach (var secret in PatientData(request))
        {
            Assert.DoesNotContain(secret, exported, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Telemetry_OtlpEndpointSet_TracerAndMeterProviders()
    {
        var state = _factory.Services.GetRequiredService<TelemetryState>();
        Assert.True(state.Otlp);
        Assert.False(state.Prometheus);
        Assert.NotNull(_factory.Services.GetService<TracerProvider>());
        Assert.NotNull(_factory.Services.GetService<MeterProvider>());
    }

    [Theory]
    [InlineData("https://ehr.example.org/fhir/r4/Observation?patient=pat-1&category=laboratory", "https://ehr.example.org/Observation")]
    [InlineData("https://ehr.example.org/fhir/Patient/pat-1", "https://ehr.example.org/Patient")]
    [InlineData("http://127.0.0.1:8080/tenant-7/MedicationRequest?subject=Patient/123&_count=50", "http://127.0.0.1:8080/MedicationRequest")]
    [InlineData("https://ehr.example.org/fhir?_getpages=abc&_getpagesoffset=50", "https://ehr.example.org/")]
    public void RedactFhirUrl_QueryOrRead_SchemeHostAndResourceTypeOnly(string url, string expected) =>
        Assert.Equal(expected, Telemetry.RedactFhirUrl(new Uri(url)));

    private async Task<HookAnswer> PostTracedAsync(JsonObject body, ActivityTraceId traceId)
    {
        using var client = _factory.CreateDefaultClient(new TraceParent(traceId));
        return await HookCalls.PostAsync(client, body);
    }

    /// <summary>What no span may hold: the patient's id, every resource id and drug text of the request, the FHIR query.</summary>
    private static IEnumerable<string> PatientData(JsonObject request)
    {
        yield return (string)request["context"]!["patientId"]!;
        yield return "patient=";
        foreach (var entry in request["context"]!["draftOrders"]!["entry"]!.AsArray())
        {
            var resource = entry!["resource"]!;
            yield return (string)resource["id"]!;
            var medication = resource["medicationCodeableConcept"]!;
            yield return (string)medication["text"]!;
            foreach (var coding in medication["coding"]!.AsArray())
            {
                yield return (string)coding!["display"]!;
            }
        }
    }

    private static IEnumerable<string> Values(Activity span) =>
        new[] { span.DisplayName, span.StatusDescription ?? string.Empty }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name} {t.Key}={t.Value}")))
            .Concat(span.Baggage.Select(b => $"{b.Key}={b.Value}"));

    /// <summary>Makes the hook call the child of a trace the test chose, so that its spans are told apart from other tests'.</summary>
    private sealed class TraceParent(ActivityTraceId traceId) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
