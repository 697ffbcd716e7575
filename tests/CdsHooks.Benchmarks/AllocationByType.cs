using System.Diagnostics.Tracing;
using System.Text.Json;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;

namespace CdsHooks.Benchmarks;

/// <summary>
/// What a whole hook call (<c>hook</c>) or Firely's deserializer alone (<c>firely</c>) allocates for the full-prefetch
/// request, by type: the runtime's allocation sampling events (one about every 100 KB, with the type that crossed it)
/// over 500 calls. Shows how much is the model's objects and how much bookkeeping (paths, seen-property sets).
/// <c>dotnet run -c Release --project tests/CdsHooks.Benchmarks -- allocation-by-type [hook|firely]</c>
/// </summary>
internal sealed class AllocationByType : EventListener
{
    private readonly Dictionary<string, long> _bytes = new(StringComparer.Ordinal);

    public static void Run(string what)
    {
        var scenario = Scenario.Load(Fixtures.FullPrefetch);
        var pipeline = new PipelineBenchmarks { Fixture = Fixtures.FullPrefetch };
        pipeline.Setup();
        Action call = what == "firely" ? () => pipeline.FirelyParseOnly() : () => pipeline.HookCall();
        for (var i = 0; i < 200; i++)
        {
            call();
        }

        using var listener = new AllocationByType();
        var before = GC.GetAllocatedBytesForCurrentThread();
        const int calls = 500;
        for (var i = 0; i < calls; i++)
        {
            call();
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        Console.WriteLine($"{scenario.Body.Length / 1024.0:F1} KB body, {what}: {perCall / 1024.0:F1} KB allocated per call; by type (sampled):");
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
