using Npgsql;

namespace CdsHooks.Service.Security;

/// <summary>
/// The jti replay cache in PostgreSQL (table <c>jti_seen</c>, key (issuer, jti)), shared by every instance. Recording is
/// one statement: a new key is inserted; an existing key is taken over only if it has expired (the UPDATE's WHERE), and
/// then counts as new; an existing key still in force changes nothing and returns no row, which is a replay. Two
/// instances recording the same key at once are serialised by the primary key: the second sees the first's row.
/// Expired rows are deleted at most once a minute per instance, not on every call.
/// A database that does not answer within <see cref="Timeout"/> makes this throw: <see cref="CdsJwtEvents"/> then refuses
/// the token (fail closed), never accepts it unchecked.
/// </summary>
internal sealed class PostgresReplayStore(NpgsqlDataSource dataSource, TimeProvider time) : IReplayStore
{
    /// <summary>Longest wait for the database on a hook call: the token is refused after it.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private const long SweepEverySeconds = 60;
    private long _nextSweep;

    public async ValueTask<bool> TryRecordAsync(string issuer, string jti, long forgetAfterUnixSeconds, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var due = Interlocked.Read(ref _nextSweep);
        if (now >= due && Interlocked.CompareExchange(ref _nextSweep, now + SweepEverySeconds, due) == due)
        {
            await using var sweep = dataSource.CreateCommand("DELETE FROM jti_seen WHERE expires_at < @now");
            sweep.Parameters.AddWithValue("now", now);
            await sweep.ExecuteNonQueryAsync(deadline.Token);
        }

        await using var command = dataSource.CreateCommand("""
            INSERT INTO jti_seen (issuer, jti, expires_at) VALUES (@issuer, @jti, @expires)
            ON CONFLICT (issuer, jti) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE jti_seen.expires_at < @now
            """);
        command.Parameters.AddWithValue("issuer", issuer);
        command.Parameters.AddWithValue("jti", jti);
        command.Parameters.AddWithValue("expires", forgetAfterUnixSeconds);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(deadline.Token) == 1;
    }
}
