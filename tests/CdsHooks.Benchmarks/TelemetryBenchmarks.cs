using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Patients;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace CdsHooks.Benchmarks;

/// <summary>
/// What tracing costs a hook call (docs/operations.md): <see cref="PipelineBenchmarks.HookCall"/> with the service's
/// spans as HookEndpoints and CdsEngine make them (a request span standing in for ASP.NET Core's, then read, prefetch,
/// facts, rules and cards). Off: no TracerProvider, as when nothing is configured. On: the OpenTelemetry SDK sampling
/// every span (the default parent-based always-on sampler) with no exporter: the spans are created, tagged and ended;
/// an exporter's batching then runs on its own thread.
/// </summary>
[MemoryDiagnoser]
public class TelemetryBenchmarks
{
    private static readonly ActivitySource Request = new("CdsHooks.Benchmarks.Request");

    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Scenario _s = null!;
    private CdsEngine _engine = null!;
    private TracerProvider? _tracing;

    [Params(Fixtures.FullPrefetch, Fixtures.Small)]
    public string Fixture { get; set; } = Fixtures.FullPrefetch;

    [Params(false, true)]
    public bool Traced { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _s = Scenario.Load(Fixture);
        _engine = new CdsEngine(_s.Engine.Knowledge, _s.Engine.Options, new FixedTime(Scenario.Now), ServiceTracing.Source);
        _tracing = Traced
            ? Sdk.CreateTracerProviderBuilder().AddSource(ServiceTracing.SourceName, Request.Name).Build()
            : null;
        if (HookCall() == 0 || ServiceTracing.Source.HasListeners() != Traced)
        {
            throw new InvalidOperationException("the benchmark is not set up as it says");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _tracing?.Dispose();

    [Benchmark]
    public int HookCall()
    {
        using var request = Request.StartActivity("POST /cds-services/{id}", ActivityKind.Server);
        HookRequest? read;
        using (var span = ServiceTracing.Source.StartActivity("cds.read"))
        {
            span?.SetTag("cds.service", _s.Service.Id);
            (read, var error) = RequestReader.Read(_s.Body, _s.Service);
            if (error is not null)
            {
                throw new InvalidOperationException($"rejected: {error.Status}");
            }

            span?.SetTag("cds.request.bytes", _s.Body.Length);
            span?.SetTag("cds.draft_orders", read!.DraftOrders.Entry.Count);
        }

        PatientData data;
        using (var span = ServiceTracing.Source.StartActivity("cds.prefetch"))
        {
            data = _s.Prefetch.ResolveAsync(read!.ForPrefetch(), CancellationToken.None).GetAwaiter().GetResult().Data;
            span?.SetTag("cds.prefetch.unavailable", string.Empty);
            span?.SetTag("cds.prefetch.unreadable", data.Unreadable.Count);
        }

        var result = _engine.Evaluate(new EvaluationInput(_s.Service.Kind, read.PatientId, read.DraftOrders, read.Selections, data));
        request?.SetTag("cds.outcome", 200);
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        JsonSerializer.Serialize(writer, new CdsResponse { Cards = result.Cards }, CdsJsonContext.Default.CdsResponse);
        return _output.WrittenCount;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
