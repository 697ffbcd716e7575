using System.Diagnostics;

namespace CdsHooks.Benchmarks;

/// <summary>
/// <see cref="PipelineBenchmarks.HookCall"/> against <see cref="PipelineBenchmarks.FirelyParseOnly"/> in alternating blocks
/// of 50 calls in one process, so that both see the same machine at nearly the same moment: on a shared host the
/// minimum and the lower quartile of the block times are steadier than a BenchmarkDotNet mean of either alone.
/// Also prints the service's own stages, to show where the difference goes.
/// <c>dotnet run -c Release --project tests/CdsHooks.Benchmarks -- paired [full-prefetch|small] [blocks]</c>
/// </summary>
internal static class Paired
{
    private const int CallsPerBlock = 50;

    public static void Run(string fixture, int blocks)
    {
        var pipeline = new PipelineBenchmarks { Fixture = fixture };
        pipeline.Setup();
        var stages = new StageBenchmarks { Fixture = fixture };
        stages.Setup();
        (string Name, Action Call)[] measured =
        [
            ("HookCall", () => pipeline.HookCall()),
            ("FirelyParseOnly", () => pipeline.FirelyParseOnly()),
            ("  ParseRequest", () => stages.ParseRequest()),
            ("  ResolvePrefetch", () => stages.ResolvePrefetch()),
            ("  Evaluate", () => pipeline.Evaluate()),
            ("  WriteAnswer", () => pipeline.WriteAnswer()),
        ];
        var times = measured.Select(_ => new List<double>(blocks)).ToArray();
        var warmUp = Stopwatch.StartNew(); // 3 s of every call first, so that the tiered JIT has optimised them all
        while (warmUp.Elapsed < TimeSpan.FromSeconds(3))
        {
            foreach (var (_, call) in measured)
            {
                call();
            }
        }

        for (var block = 0; block < blocks; block++)
        {
            for (var j = 0; j < measured.Length; j++)
            {
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < CallsPerBlock; i++)
                {
                    measured[j].Call();
                }

                times[j].Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds / CallsPerBlock);
            }
        }

        foreach (var t in times)
        {
            t.Sort();
        }

        Console.WriteLine($"{fixture}, {blocks} blocks of {CallsPerBlock} calls, µs per call");
        Console.WriteLine($"{"",-18} {"min",8} {"p25",8} {"median",8}");
        for (var j = 0; j < measured.Length; j++)
        {
            Console.WriteLine($"{measured[j].Name,-18} {times[j][0],8:F1} {times[j][blocks / 4],8:F1} {times[j][blocks / 2],8:F1}");
        }

        double Ratio(int at) => times[0][at] / times[1][at];
        Console.WriteLine($"HookCall / FirelyParseOnly: min {Ratio(0):F2}, p25 {Ratio(blocks / 4):F2}, median {Ratio(blocks / 2):F2} (target ≤ 1.3)");
    }
}
