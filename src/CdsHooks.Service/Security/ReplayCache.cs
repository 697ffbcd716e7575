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

    /// <summary>Records (issuer, jti) until <paramref name="forgetAfter"/> (Unix seconds); false if it was seen.</summary>
    public bool TryRecord(string issuer, string jti, long forgetAfter)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (_seen.Count > SweepAbove || now >= Interlocked.Read(ref _nextSweep))
        {
            Interlocked.Exchange(ref _nextSweep, now + 60);
            foreach (var (key, expiry) in _seen)
            {
                if (expiry < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        return _seen.TryAdd(issuer + "\u001f" + jti, forgetAfter);
    }
}
