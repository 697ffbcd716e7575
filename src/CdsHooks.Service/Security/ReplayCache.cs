using System.Collections.Concurrent;

namespace CdsHooks.Service.Security;

/// <summary>
/// The jti values seen, per issuer, each kept until its token expires (CDS Hooks 2.0 item 55: jti
/// "used to protect against replay attacks"). Only tokens that passed every other check are recorded,
/// so an attacker without a trusted key cannot fill it. In memory, per instance: behind a load balancer
/// a replay to another instance is not caught (docs/data-access-and-trust.md).
/// </summary>
internal sealed class ReplayCache(TimeProvider time)
{
    private const int SweepAbove = 10_000;
    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _nextSweep;
    private long _nextSizeSweep;
    private long _count; // ConcurrentDictionary.Count takes every bucket lock: not on each request

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
