using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Hl7.Fhir.Model;

namespace CdsHooks.Benchmarks;

/// <summary>
/// Reading a FHIR server's answer, for EHRs that do not prefetch: the full-prefetch fixture's searches (a year of
/// MedicationAdministrations, the Observations) as the server would send them, compact UTF-8.
/// </summary>
[MemoryDiagnoser]
public class ServerAnswerBenchmarks
{
    private byte[] _answer = [];

    [Params("medicationAdministrations", "observations")]
    public string Search { get; set; } = "observations";

    [GlobalSetup]
    public void Setup()
    {
        var request = Path.Combine(Scenario.RepositoryRoot(), "fhir-fixtures", Fixtures.Folder(Fixtures.FullPrefetch), "request.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(request));
        _answer = JsonSerializer.SerializeToUtf8Bytes(document.RootElement.GetProperty("prefetch").GetProperty(Search));
    }

    /// <summary>What FhirFetcher does now: one pass when the JSON is plain, else the checked path.</summary>
    [Benchmark]
    public Resource? OnePassFirst() => FhirJson.ReadChecked(_answer).Resource;

    /// <summary>The checked path alone (JsonDocument, FHIR rules walk, typed read): what the fetcher did before.</summary>
    [Benchmark(Baseline = true)]
    public Resource? CheckedOnly()
    {
        using var document = JsonDocument.Parse(_answer);
        return FhirJson.ReadChecked(document.RootElement).Resource;
    }
}
