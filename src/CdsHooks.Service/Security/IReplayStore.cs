namespace CdsHooks.Service.Security;

/// <summary>
/// The jti values seen, per issuer, each kept until its token expires (CDS Hooks 2.0 item 55: jti "used to protect
/// against replay attacks"). Only tokens that passed every other check are recorded (<see cref="CdsJwtEvents"/>), so
/// an attacker without a trusted key cannot fill it. With SQLite (one instance) it is in memory
/// (<see cref="ReplayCache"/>); with PostgreSQL it is a table every instance shares (<see cref="PostgresReplayStore"/>),
/// so a token replayed to another instance behind the load balancer is refused too.
/// </summary>
internal interface IReplayStore
{
    /// <summary>Records (issuer, jti) until <paramref name="forgetAfterUnixSeconds"/>; false if it is already recorded and
    /// not yet forgotten. Throws when it cannot tell (database unavailable): the caller then refuses the token.</summary>
    ValueTask<bool> TryRecordAsync(string issuer, string jti, long forgetAfterUnixSeconds, CancellationToken cancellationToken);
}
