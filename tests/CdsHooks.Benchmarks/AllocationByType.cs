using System.Diagnostics.Tracing;
using System.Text.Json;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;

namespace CdsHooks.Benchmarks;

/// <summary>
/// What Firely's deserializer allocates for the full-prefetch request, by type: the runtime's allocation sampling
/// events (one about every 100 KB, with the type that crossed it) over 500 parses. Shows how much of the parse's
/// allocation is the model's objects and how much the deserializer's own bookkeeping (paths, seen-property sets).
/// <c>dotnet run -c Release --project tests/CdsHooks.Benchmarks -- allocation-by-type</c>
/// </summary>
internal sealed class AllocationByType : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public static void Run()
    {
        var scenario = Scenario.Load(Fixtures.FullPrefetch);
        var pipeline = new PipelineBenchmarks { Fixture = Fixtures.FullPrefetch };
        pipeline.Setup();
        for (var i = 0; i < 200; i++)
        {
            pipeline.FirelyParseOnly();
        }

        using var listener = new AllocationByType();
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int parses = 500;
        for (var i = 0; i < parses; i++)
        {
            pipeline.FirelyParseOnly();
        }

        var perParse = (GC.GetAllocatedBytesForCurrentThread() - before) / parses;
        Console.WriteLine($"{scenario.Body.Length / 1024.0:F1} KB body: {perParse / 1024.0:F1} KB allocated per parse; by type (sampled):");
        var total = (double)listener._bytes.Values.Sum();
        foreach (var (type, bytes) in listener._bytes.OrderByDescending(kv => kv.Value).Take(25))
        {
            Console.WriteLine($"{bytes / total,7:P1}  {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: AllocationTick
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null)
        {
            return;
        }

        var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
        var bytes = Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("AllocationAmount64")]);
        lock (_bytes)
        {
            _bytes[type] = _bytes.GetValueOrDefault(type) + bytes;
        }
    }
}
