using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;

namespace CdsHooks.Benchmarks;

/// <summary>
/// The whole in-process pipeline: what one hook call costs without HTTP (Kestrel, routing and
/// the body read are measured by tests/load/run-load.sh against the framework floor).
/// </summary>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private Scenario _s = null!;
    private CdsResponse _answer = null!;
    private AnswerJson _answerJson = null!;

    [Params(Fixtures.FullPrefetch, Fixtures.Small)]
    public string Fixture { get; set; } = Fixtures.FullPrefetch;

    [GlobalSetup]
    public void Setup()
    {
        _s = Scenario.Load(Fixture);
        _answerJson = AnswerJson.For(AppJson.SerializerOptions());
        _answer = new CdsResponse { Cards = _s.Engine.Evaluate(_s.Input).Cards };
        if (HookCall() == 0 || _s.Engine.Evaluate(_s.Input).Cards.Count == 0)
        {
            throw new InvalidOperationException($"{Fixture} produced no card: the benchmark would not measure card rendering");
        }
    }

    /// <summary>Mapping, facts, rules and cards from parsed input (CdsEngine.Evaluate).</summary>
    [Benchmark]
    public EvaluationResult Evaluate() => _s.Engine.Evaluate(_s.Input);

    /// <summary>Body bytes in, response JSON bytes out: parse, prefetch, evaluate, serialise.</summary>
    [Benchmark(Baseline = true)]
    public int HookCall() => Write(Evaluated(), direct: true);

    /// <summary>Reference: <see cref="HookCall"/> with the answer written by the generated serializer (as before AnswerJson).</summary>
    [Benchmark]
    public int HookCallSerializer() => Write(Evaluated(), direct: false);

    /// <summary>The answer's JSON alone, from cards already rendered, as OkJson writes it (AnswerJson).</summary>
    [Benchmark]
    public int WriteAnswer() => Write(_answer, direct: true);

    /// <summary>Reference: the same answer through the generated serializer, same writer options.</summary>
    [Benchmark]
    public int WriteAnswerSerializer() => Write(_answer, direct: false);

    private CdsResponse Evaluated()
    {
        var (request, error) = RequestReader.Read(_s.Body, _s.Service);
        if (error is not null)
        {
            throw new InvalidOperationException($"rejected: {error.Status}");
        }

        var data = _s.Prefetch.ResolveAsync(request!, CancellationToken.None).GetAwaiter().GetResult().Data;
        var result = _s.Engine.Evaluate(new EvaluationInput(_s.Service.Kind, request!.PatientId, request.DraftOrders, request.Selections, data));

        return new CdsResponse { Cards = result.Cards };
    }

    private int Write(CdsResponse answer, bool direct)
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output, _answerJson.Options);
        if (direct)
        {
            _answerJson.Write(writer, answer);
        }
        else
        {
            JsonSerializer.Serialize(writer, answer, CdsJsonContext.Default.CdsResponse);
        }

        return _output.WrittenCount;
    }
}
