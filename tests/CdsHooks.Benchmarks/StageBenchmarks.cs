using BenchmarkDotNet.Attributes;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace CdsHooks.Benchmarks;

/// <summary>
/// Each stage of the request flow alone (STYLE.md: parse and validate → resolve prefetch → map codes
/// to concepts → patient facts → rules → cards), each on the previous stage's real output.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private Scenario _s = null!;

    [Params(Fixtures.FullPrefetch, Fixtures.Small)]
    public string Fixture { get; set; } = Fixtures.FullPrefetch;

    [GlobalSetup]
    public void Setup() => _s = Scenario.Load(Fixture);

    /// <summary>The request body into one array, as the hook endpoint reads it (BodyReader).</summary>
    [Benchmark]
    public int ReadBody()
    {
        var http = new DefaultHttpContext();
        http.Request.Body = new MemoryStream(_s.Body, writable: false);
        http.Request.ContentLength = _s.Body.Length;
        using var body = BodyReader.ReadAsync(http.Request, 4 * 1024 * 1024, CancellationToken.None).GetAwaiter().GetResult().Body!;
        return body.Length;
    }

    /// <summary>JSON to a validated HookRequest, resources deserialised by Firely and record-checked (what the service runs).</summary>
    [Benchmark]
    public object? ParseRequest() => RequestReader.Read(_s.Body, _s.Service).Request;

    /// <summary>Reference: what the load test's floor does with the body (JsonDocument, nothing typed).</summary>
    [Benchmark]
    public int TokenizeOnly()
    {
        using var document = System.Text.Json.JsonDocument.Parse(_s.Body);
        return document.RootElement.GetPropertyCount();
    }

    /// <summary>Prefetch values to PatientData (no fetch: the prefetch is complete).</summary>
    [Benchmark]
    public PatientData ResolvePrefetch() => _s.Prefetch.ResolveAsync(_s.Request.ForPrefetch(), CancellationToken.None).GetAwaiter().GetResult().Data;

    /// <summary>Code-to-concept mapping of every draft and history medication (codes, text, references).</summary>
    [Benchmark]
    public int MapConcepts()
    {
        var recognised = 0;
        foreach (var use in _s.MedicationUses)
        {
            if (MedicationResolver.Resolve(use, _s.Engine.Knowledge.Concepts, _s.Medications).IsRecognised)
            {
                recognised++;
            }
        }

        return recognised;
    }

    /// <summary>Regimen: drafts plus history with origins and dates (includes the mapping above).</summary>
    [Benchmark]
    public Regimen BuildRegimen() => RegimenBuilder.Build(_s.Input, _s.Engine.Knowledge.Concepts, _s.Engine.Options, Scenario.Now);

    [Benchmark]
    public PatientFacts BuildPatientFacts() => PatientFactsBuilder.Build(_s.Input, _s.Regimen, Scenario.Now);

    /// <summary>Every rule of the knowledge base against the shared context.</summary>
    [Benchmark]
    public int EvaluateRules()
    {
        var fired = 0;
        foreach (var rule in _s.Engine.Knowledge.Rules)
        {
            if (RuleEvaluator.Evaluate(rule, _s.Context, _s.Checks) is not null)
            {
                fired++;
            }
        }

        return fired;
    }

    /// <summary>The cards of the findings above: text, suggestions with their draft orders, links.</summary>
    [Benchmark]
    public int RenderCards()
    {
        var length = 0;
        foreach (var finding in _s.Findings)
        {
            length += _s.Renderer.Render(finding, _s.Input).Summary.Length;
        }

        return length;
    }
}
