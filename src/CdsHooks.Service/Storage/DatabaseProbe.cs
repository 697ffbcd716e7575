using Npgsql;

namespace CdsHooks.Service.Storage;

/// <summary>Whether the store answers, for readiness (<c>GET /health/ready</c>).</summary>
public interface IDatabaseProbe
{
    ValueTask<bool> AnswersAsync(CancellationToken cancellationToken);
}

/// <summary>SQLite is a file in the process: it always answers (an unwritable file stops start-up instead).</summary>
internal sealed class EmbeddedDatabaseProbe : IDatabaseProbe
{
    public ValueTask<bool> AnswersAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);
}

/// <summary>
/// PostgreSQL answers a <c>SELECT 1</c> within <see cref="Timeout"/>. The answer is kept <see cref="CacheFor"/>, and
/// probes arriving together share one query, so that a probe every second from each of several orchestrators costs the
/// database at most one query every two seconds per instance. A change of answer is logged (not every probe).
/// </summary>
internal sealed class PostgresDatabaseProbe(NpgsqlDataSource dataSource, string description, TimeProvider time, ILogger<PostgresDatabaseProbe> logger)
    : IDatabaseProbe
{
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private Task<bool>? _check;
    private long _checkedAt;
    private bool _answered = true;

    public ValueTask<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        Task<bool> check;
        lock (_gate)
        {
            if (_check is null || (_check.IsCompleted && time.GetElapsedTime(_checkedAt) >= CacheFor))
            {
                _checkedAt = time.GetTimestamp();
                _check = SelectOneAsync();
            }

            check = _check;
        }

        return check.IsCompletedSuccessfully ? ValueTask.FromResult(check.Result) : new ValueTask<bool>(check.WaitAsync(cancellationToken));
    }

    private async Task<bool> SelectOneAsync()
    {
        bool answers;
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            answers = await command.ExecuteScalarAsync(deadline.Token).ConfigureAwait(false) is 1;
        }
#pragma warning disable CA1031 // any failure means "not answering"; readiness reports it, never a 500
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_answered)
            {
                StorageLog.Unavailable(logger, description, ex.GetType().Name);
            }

            answers = false;
        }

        if (answers && !_answered)
        {
            StorageLog.Available(logger, description);
        }

        _answered = answers;
        return answers;
    }
}

internal static partial class StorageLog
{
    [LoggerMessage(7001, LogLevel.Error, "{Database} does not answer ({Error}): not ready until it does")]
    public static partial void Unavailable(ILogger logger, string database, string error);

    [LoggerMessage(7002, LogLevel.Information, "{Database} answers again: ready")]
    public static partial void Available(ILogger logger, string database);

    [LoggerMessage(7003, LogLevel.Information, "{Database}: schema at version {Version} ({Applied} migration(s) applied now)")]
    public static partial void Migrated(ILogger logger, string database, int version, int applied);
}
