using CdsHooks.Service.Feedback;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Analytics;

/// <summary>
/// Drains <see cref="CardsShownRecorder"/> into the store: waits <see cref="AnalyticsOptions.FlushMilliseconds"/> after
/// the first card so that more gather, then writes up to <see cref="BatchSize"/> cards per transaction, and applies the retention setting at start-up and
/// hourly. A failing write is logged and the batch lost; it never stops the writer or the service.
/// </summary>
public sealed class CardsShownWriter(
    CardsShownRecorder recorder,
    IFeedbackStore store,
    IOptions<AnalyticsOptions> options,
    TimeProvider time,
    ILogger<CardsShownWriter> logger) : BackgroundService
{
    public const int BatchSize = 500;
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextPurge = DateTimeOffset.MinValue;
        var batch = new List<CardShown>(BatchSize);
        try
        {
            var gather = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.FlushMilliseconds));
            while (await recorder.Reader.WaitToReadAsync(stoppingToken))
            {
                // Let cards gather before writing: under load a transaction per few cards cost ~30 us of CPU per card
                // (tests/load/recording-cost.sh), mostly each commit's WAL pages; one per few hundred cards costs far less.
                await Task.Delay(gather, time, stoppingToken);
                await DrainAsync(batch, CancellationToken.None);
                if (time.GetUtcNow() >= nextPurge)
                {
                    nextPurge = time.GetUtcNow() + PurgeEvery;
                    await PurgeAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: write what is already queued.
            await DrainAsync(batch, CancellationToken.None);
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await PurgeAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    private async Task DrainAsync(List<CardShown> batch, CancellationToken cancellationToken)
    {
        while (recorder.Reader.TryRead(out var card))
        {
            batch.Add(card);
            if (batch.Count == BatchSize)
            {
                await WriteAsync(batch, cancellationToken);
            }
        }

        if (batch.Count > 0)
        {
            await WriteAsync(batch, cancellationToken);
        }
    }

    private async Task WriteAsync(List<CardShown> batch, CancellationToken cancellationToken)
    {
        try
        {
            await store.RecordShownAsync(batch, cancellationToken);
        }
#pragma warning disable CA1031 // the report loses a batch; the hook path and the service carry on
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AnalyticsLog.RecordFailed(logger, ex, batch.Count);
        }

        batch.Clear();
    }

    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await store.PurgeShownAsync(time.GetUtcNow().AddDays(-options.Value.RetentionDays), cancellationToken);
            if (removed > 0)
            {
                AnalyticsLog.Purged(logger, removed, options.Value.RetentionDays);
            }
        }
#pragma warning disable CA1031 // retention is retried next hour
        catch (Exception ex)
#pragma warning restore CA1031
        {
            AnalyticsLog.PurgeFailed(logger, ex);
        }
    }
}

internal static partial class AnalyticsLog
{
    [LoggerMessage(8001, LogLevel.Error, "Could not record {Count} card(s) shown for the override report")]
    public static partial void RecordFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(8002, LogLevel.Information, "Retention: {Count} card(s)-shown record(s) older than {Days} days deleted")]
    public static partial void Purged(ILogger logger, int count, int days);

    [LoggerMessage(8003, LogLevel.Warning, "Retention of cards-shown records failed; retried in an hour")]
    public static partial void PurgeFailed(ILogger logger, Exception exception);
}
