using System.Collections.Concurrent;

namespace CdsHooks.Service.Security;

/// <summary>
/// The jti replay cache in memory, per instance: the one used with the embedded SQLite store (one instance). Behind a
/// load balancer a replay to another instance is not caught by it; with Storage:Provider = PostgreSQL the instances
/// share <see cref="PostgresReplayStore"/> instead (docs/data-access-and-trust.md).
/// </summary>
internal sealed class ReplayCache(TimeProvider time) : IReplayStore
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;
    private long _nextSizeSweep;
    private long _count; // ConcurrentDictionary.Count takes every bucket lock: not on each request

    public ValueTask<bool> TryRecordAsync(string issuer, string jti, long forgetAfterUnixSeconds, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryRecord(issuer, jti, forgetAfterUnixSeconds));

    /// <summary>Records (issuer, jti) until <paramref name="forgetAfter"/> (Unix seconds); false if it was seen.</summary>
    public bool TryRecord(string issuer, string jti, long forgetAfter)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        // Every minute, and at most every second while more than SweepAbove are held (not on every call).
        var crowded = Interlocked.Read(ref _count) > SweepAbove && now >= Interlocked.Read(ref _nextSizeSweep);
        if (crowded || now >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, now + 60);
            Interlocked.Exchange(ref _nextSizeSweep, now + 1);
            foreach (var (key, expiry) in _seen)
            {
                if (expiry < now && _seen.TryRemove(key, out _))
                {
                    Interlocked.Decrement(ref _count);
                }
            }
        }

        if (!_seen.TryAdd(issuer + "\u001f" + jti, forgetAfter))
        {
            return false;
        }

        Interlocked.Increment(ref _count);
        return true;
    }
}
