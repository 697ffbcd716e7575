using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace CdsHooks.Benchmarks;

/// <summary>
/// Runs the hot-path benchmarks (docs/performance.md). Arguments are BenchmarkDotNet's own:
/// <c>--filter '*'</c> for everything, <c>--job short</c> or <c>--job dry</c> for a quick look.
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "paired": // HookCall against FirelyParseOnly in alternating blocks: the 1.3 x target on a busy host
                Paired.Run(args.Length > 1 ? args[1] : Fixtures.FullPrefetch, args.Length > 2 ? int.Parse(args[2]) : 40);
                break;
            case "allocation-by-type": // what a call (hook) or Firely's deserializer (firely) allocates, by type (sampled)
                AllocationByType.Run(args.Length > 1 ? args[1] : "hook");
                break;
            default:
                Run(args);
                break;
        }
    }

    private static void Run(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond))); // one unit across tables
}
