using System.Diagnostics.Metrics;
using System.Threading.Channels;
using CdsHooks.Engine.Cards;
using CdsHooks.Service.Feedback;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Analytics;

/// <summary>
/// Takes the cards of a hook answer into a bounded channel; <see cref="CardsShownWriter"/> drains it into the
/// store in batches. The hook's path pays one object and one channel write per card, never a database
/// round trip. A full channel drops the record (counted and logged), never blocks the clinician's answer.
/// Feedback does not go through here: it is stored before its 200 (FeedbackEndpoints).
/// </summary>
public sealed class CardsShownRecorder
{
    private readonly Channel<CardShown> _channel;
    private readonly TimeProvider _time;
    private readonly Counter<long> _unrecorded;
    private long _dropped;

    public CardsShownRecorder(IOptions<AnalyticsOptions> options, TimeProvider time, IMeterFactory meters)
    {
        _channel = Channel.CreateBounded<CardShown>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, // with Wait, TryWrite answers false at once when full: nothing blocks
            SingleReader = true,
        });
        _time = time;
        _unrecorded = meters.Create(ServiceMetrics.MeterName)
            .CreateCounter<long>("cds.cards.unrecorded", description: "Cards returned but not recorded for the override report (queue full)");
    }

    public ChannelReader<CardShown> Reader => _channel.Reader;

    /// <summary>Cards dropped since start because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Record(CdsServiceDefinition service, IReadOnlyList<Card> cards)
    {
        if (cards.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var card in cards)
        {
            // Every card the engine renders names its rule (CardRenderer); one without would be a bug, not a reason to throw here.
            if (card.Extension is not { } rule)
            {
                continue;
            }

            if (!_channel.Writer.TryWrite(new CardShown(card.Uuid, rule.RuleId, rule.KnowledgeVersion, service.Id, service.Hook, now)))
            {
                Interlocked.Increment(ref _dropped);
                _unrecorded.Add(1);
            }
        }
    }
}
