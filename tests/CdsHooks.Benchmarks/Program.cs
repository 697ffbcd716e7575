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
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond))); // one unit across tables
}
