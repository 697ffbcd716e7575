using BenchmarkDotNet.Attributes;
using CdsHooks.Engine.Cards;
using CdsHooks.Service.Analytics;
using CdsHooks.Service.Feedback;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using System.Diagnostics.Metrics;

namespace CdsHooks.Benchmarks;

/// <summary>
/// What recording the cards shown (for the override report) costs: on the hook's path, the recorder's queue
/// write for one answer's cards, drained by a reader as in the service; off the path, the writer's SQLite
/// batch, per card.
/// </summary>
[MemoryDiagnoser]
public class RecordingBenchmarks
{
    private CardsShownRecorder _recorder = null!;
    private IReadOnlyList<Card> _cards = null!;
    private Scenario _s = null!;
    private CancellationTokenSource _stop = null!;
    private Task _drain = null!;
    private FeedbackStore _store = null!;
    private List<CardShown> _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _s = Scenario.Load(Fixtures.Small);
        _cards = _s.Engine.Evaluate(_s.Input).Cards;
        if (_cards.Count == 0)
        {
            throw new InvalidOperationException("no card: nothing to record");
        }

        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        _recorder = new CardsShownRecorder(Options.Create(new AnalyticsOptions()), TimeProvider.System, meters);
        _stop = new CancellationTokenSource();
        _drain = Task.Run(async () =>
        {
            await foreach (var _ in _recorder.Reader.ReadAllAsync(_stop.Token))
            {
            }
        });
        _store = new FeedbackStore(Path.Combine(Directory.CreateTempSubdirectory("cds-bench-").FullName, "feedback.db"));
        _batch = [.. Enumerable.Range(0, CardsShownWriter.BatchSize).Select(i =>
            new CardShown(Guid.NewGuid().ToString(), "tdm1-with-endocrine", "v", "triple-positive-order-sign", "order-sign", DateTimeOffset.UtcNow))];
    }

    /// <summary>The one call HookEndpoints makes per answer (the small fixture's cards).</summary>
    [Benchmark]
    public void RecordAnswerCards() => _recorder.Record(_s.Service, _cards);

    /// <summary>One writer batch (500 cards, one transaction) into SQLite, reported per card.</summary>
    [Benchmark(OperationsPerInvoke = CardsShownWriter.BatchSize)]
    public Task WriteBatchPerCard()
    {
        for (var i = 0; i < _batch.Count; i++)
        {
            _batch[i] = _batch[i] with { CardUuid = Guid.NewGuid().ToString() };
        }

        return _store.RecordShownAsync(_batch, CancellationToken.None);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        try
        {
            _drain.Wait();
        }
        catch (AggregateException)
        {
            // cancelled
        }

        _stop.Dispose();
    }
}
