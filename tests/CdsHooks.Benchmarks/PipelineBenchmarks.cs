using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Fhir;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using Hl7.Fhir.Model;

namespace CdsHooks.Benchmarks;

/// <summary>
/// The whole in-process pipeline: what one hook call costs without HTTP (Kestrel, routing and
/// the body read are measured by tests/load/run-load.sh against the framework floor).
/// Target (docs/performance.md): <see cref="HookCall"/> at most 1.3 × <see cref="FirelyParseOnly"/>.
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Scenario _s = null!;
    private CdsResponse _answer = null!;

    [Params(Fixtures.FullPrefetch, Fixtures.Small)]
    public string Fixture { get; set; } = Fixtures.FullPrefetch;

    [GlobalSetup]
    public void Setup()
    {
        _s = Scenario.Load(Fixture);
        _answer = new CdsResponse { Cards = _s.Engine.Evaluate(_s.Input).Cards };
        if (HookCall() == 0 || _answer.Cards.Count == 0)
        {
            throw new InvalidOperationException($"{Fixture} produced no card: the benchmark would not measure card rendering");
        }

        if (FirelyParseOnly() == 0)
        {
            throw new InvalidOperationException($"{Fixture}: no resource found to parse");
        }
    }

    /// <summary>Body bytes in, response JSON bytes out: read (Firely), prefetch, evaluate, serialise.</summary>
    [Benchmark(Baseline = true)]
    public int HookCall()
    {
        var (request, error) = RequestReader.Read(_s.Body, _s.Service);
        if (error is not null)
        {
            throw new InvalidOperationException($"rejected: {error.Status}");
        }

        var data = _s.Prefetch.ResolveAsync(request!.ForPrefetch(), CancellationToken.None).GetAwaiter().GetResult().Data;
        var result = _s.Engine.Evaluate(new EvaluationInput(_s.Service.Kind, request!.PatientId, request.DraftOrders, request.Selections, data));
        return Write(new CdsResponse { Cards = result.Cards });
    }

    /// <summary>
    /// The floor of <see cref="HookCall"/>: Firely's deserializer over every resource of the same body (draftOrders and
    /// each prefetch value) with the service's options, and nothing else: no envelope checks, no record checks.
    /// </summary>
    [Benchmark]
    public int FirelyParseOnly()
    {
        var reader = new Utf8JsonReader(_s.Body);
        var resources = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2)
            {
                JsonSerializer.Deserialize<Resource>(ref reader, FhirJson.Options);
                resources++;
            }
        }

        return resources;
    }

    /// <summary>Mapping, facts, rules and cards from parsed input (CdsEngine.Evaluate).</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => _s.Engine.Evaluate(_s.Input);

    /// <summary>The answer's JSON alone, from cards already rendered (suggested MedicationRequests by Firely).</summary>
    [Benchmark]
    public int WriteAnswer() => Write(_answer);

    private int Write(CdsResponse answer)
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        JsonSerializer.Serialize(writer, answer, CdsJsonContext.Default.CdsResponse);
        return _output.WrittenCount;
    }
}
