using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>
/// Posts thousands of mutated fixture requests (<see cref="RequestMutator"/>) through the real
/// pipeline. Never a 5xx; every 4xx is an OperationOutcome; every 200 conforms to the CDS Hooks card
/// rules and holds no "check not completed" card (a rule that threw); and afterwards the service
/// still answers the fixtures correctly. FUZZ_ITERATIONS (default 3000) and FUZZ_SEED (default
/// 20261120) reproduce a run; a failure is shrunk to a minimal input and reported with the server's
/// stack trace.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultIterations = 3000;
    private const int DefaultSeed = 20261120;

    [Fact]
    public async Task Post_MutatedFixtureRequests_NeverFailAndServiceKeepsAnswering()
    {
        var iterations = FromEnvironment("FUZZ_ITERATIONS", DefaultIterations);
        var seed = FromEnvironment("FUZZ_SEED", DefaultSeed);
        var logs = new LogCapture();
        using var factory = new CdsServiceFactory(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateClient();
        var seeds = FuzzSeed.LoadAll();

        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentBag<(FuzzCase Case, Outcome Outcome)>();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, iterations),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, _) =>
            {
                var fuzz = FuzzCase.Create(seed, i, seeds);
                var outcome = await Outcome.PostAsync(client, fuzz.Path, fuzz.Body);
                statuses.AddOrUpdate(outcome.Status, 1, (_, n) => n + 1);
                if (outcome.Problem is not null)
                {
                    failures.Add((fuzz, outcome));
                }
            });

        output.WriteLine($"FUZZ_SEED={seed} FUZZ_ITERATIONS={iterations}: {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s; " +
                         "status counts " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));

        if (!failures.IsEmpty)
        {
            Assert.Fail(await ReportAsync(client, logs, seed, failures));
        }

        await AssertStillAnswersAsync(client);
    }

    /// <summary>One line per kind of problem: the minimal input found, the answer, the server's exception.</summary>
    private async Task<string> ReportAsync(HttpClient client, LogCapture logs, int seed, IEnumerable<(FuzzCase Case, Outcome Outcome)> failures)
    {
        var report = new StringBuilder();
        var kinds = failures.OrderBy(f => f.Case.Iteration).GroupBy(f => f.Outcome.Kind).ToList();
        report.AppendLine($"{failures.Count()} failing request(s) of {kinds.Count} kind(s), FUZZ_SEED={seed}:");
        foreach (var kind in kinds.Take(5))
        {
            var (fuzz, outcome) = kind.First();
            var minimal = await Shrinker.ShrinkAsync(fuzz.Body, outcome.Kind, body => Outcome.PostAsync(client, fuzz.Path, body));
            logs.Clear();
            var final = await Outcome.PostAsync(client, fuzz.Path, minimal);
            report.AppendLine()
                .AppendLine($"== {outcome.Problem} ({kind.Count()} time(s); first at iteration {fuzz.Iteration} from {fuzz.Seed}: {fuzz.Mutations})")
                .AppendLine($"POST {fuzz.Path}, minimal body ({minimal.Length} bytes):")
                .AppendLine(Excerpt(Encoding.UTF8.GetString(minimal), 2000))
                .AppendLine($"answer {final.Status}: {Excerpt(final.Body, 600)}")
                .AppendLine("server log: " + Excerpt(logs.Errors(), 4000));
        }

        output.WriteLine(report.ToString());
        return report.ToString();
    }

    /// <summary>After the storm: fixtures still get their cards, bad input still its OperationOutcome.</summary>
    private static async Task AssertStillAnswersAsync(HttpClient client)
    {
        foreach (var name in new[] { "r01-tdm1-letrozole-rxnorm-ingredient-sign", "perf-full-prefetch-year-of-history", "r02-tdm1-letrozole-select-tdm1-selected" })
        {
            var fixture = FuzzSeed.LoadAll().Single(s => s.Name == name);
            var outcome = await Outcome.PostAsync(client, fixture.Path, Encoding.UTF8.GetBytes(fixture.Request.ToJsonString()));
            Assert.True(outcome.Status == 200, $"{name} after fuzzing: {outcome.Status} {Excerpt(outcome.Body, 400)}");
            Assert.Contains("\"regimen-check.rule-id\":\"tdm1-with-endocrine\"", outcome.Body, StringComparison.Ordinal);
        }

        var bad = await Outcome.PostAsync(client, "/cds-services/triple-positive-order-sign", "{\"hook\":"u8.ToArray());
        Assert.Equal(400, bad.Status);
        Assert.Null(bad.Problem);

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static int FromEnvironment(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out var value) && value >= 0 ? value : fallback;

    internal static string Excerpt(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"... ({text.Length} chars)");
}
