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

    /// <summary>What FhirFetcher does with a page: Firely's deserializer, then the record checks.</summary>
    [Benchmark(Baseline = true)]
    public object ReadPage() => CdsHooks.Service.Prefetch.FhirFetcher.Read(_answer);

    /// <summary>Reference: Firely's deserializer alone, the service's options.</summary>
    [Benchmark]
    public Resource? FirelyOnly() => JsonSerializer.Deserialize<Resource>(_answer, CdsHooks.Engine.Fhir.FhirJson.Options);
}
