using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// The console logger with the built-in formatters (<c>Logging:Console:FormatterName</c>, "json" here) and
/// the same configuration section, writing in batches. The built-in provider wakes its writer thread and
/// makes one write() system call per line: with a line per hook call (STYLE.md) that cost about 35 µs of CPU
/// per small request under load, more than the whole rule evaluation, mostly in waking that thread and in
/// lock hand-offs. Here a line is formatted on the calling thread exactly as before and queued without a
/// lock; the writer wakes every <see cref="FlushInterval"/> (at once for Warning and above, or when half of
/// <see cref="ConsoleLoggerOptions.MaxQueueLength"/> lines are waiting) and writes everything queued with
/// one flush. Lines reach the console at most 50 ms later; disposal (host shutdown) writes what is left. A full
/// queue follows <see cref="ConsoleLoggerOptions.QueueFullMode"/> like the built-in logger (wait, or drop).
/// </summary>
[ProviderAlias("Console")]
internal sealed class BatchedConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);

    private readonly Dictionary<string, ConsoleFormatter> _formatters;
    private readonly IDisposable? _optionsReload;
    private readonly ConcurrentQueue<(string Text, bool ToError)> _queue = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread _writer;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private volatile bool _stopping;
    private int _queued;
    private int _maxQueued;
    private LogLevel _errorThreshold;
    private bool _dropWhenFull;

    public BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(options, formatters, Console.OpenStandardOutput(), Console.OpenStandardError())
    {
    }

    internal BatchedConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters, Stream stdout, Stream stderr)
    {
        _formatters = formatters.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        Apply(options.CurrentValue);
        _optionsReload = options.OnChange(Apply);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        _stdout = new StreamWriter(stdout, utf8, 64 * 1024) { AutoFlush = false };
        _stderr = new StreamWriter(stderr, utf8, 16 * 1024) { AutoFlush = false };
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Console logger (batched)" };
        _writer.Start();
    }

    internal ConsoleFormatter Formatter { get; private set; } = null!;

    internal IExternalScopeProvider ScopeProvider { get; private set; } = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new BatchedConsoleLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => ScopeProvider = scopeProvider;

    internal void Enqueue(string text, LogLevel level)
    {
        var toError = level >= _errorThreshold;
        if (_stopping)
        {
            lock (_writer)
            {
                Write(text, toError);
                Flush();
            }

            return;
        }

        if (Volatile.Read(ref _queued) >= _maxQueued)
        {
            // Full (the console cannot keep up): as the built-in logger, drop the line or hold the caller.
            _wake.Set();
            if (_dropWhenFull)
            {
                return;
            }

            var spin = default(SpinWait);
            while (Volatile.Read(ref _queued) >= _maxQueued && !_stopping)
            {
                spin.SpinOnce();
            }
        }

        _queue.Enqueue((text, toError));
        var queued = Interlocked.Increment(ref _queued);
        if (_stopping)
        {
            // Shutdown began after the check above: the writer may have drained already, so write it here.
            lock (_writer)
            {
                Drain();
            }

            return;
        }

        if (queued * 2 >= _maxQueued || level >= LogLevel.Warning)
        {
            _wake.Set();
        }
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _wake.Set();
        _writer.Join(TimeSpan.FromSeconds(2));
        lock (_writer)
        {
            Drain();
        }

        _optionsReload?.Dispose();
        // _wake is not disposed: a caller that passed the stopping check may still Set it (it goes with the provider).
    }

    private void Apply(ConsoleLoggerOptions options)
    {
        Formatter = _formatters.TryGetValue(options.FormatterName ?? ConsoleFormatterNames.Simple, out var formatter)
            ? formatter
            : _formatters[ConsoleFormatterNames.Simple];
        _maxQueued = Math.Max(1, options.MaxQueueLength);
        _errorThreshold = options.LogToStandardErrorThreshold;
        _dropWhenFull = options.QueueFullMode == ConsoleLoggerQueueFullMode.DropWrite;
    }

    private void WriteLoop()
    {
        while (!_stopping)
        {
            _wake.WaitOne(FlushInterval);
            lock (_writer)
            {
                Drain();
            }
        }
    }

    private void Drain()
    {
        var wrote = false;
        while (_queue.TryDequeue(out var line))
        {
            Interlocked.Decrement(ref _queued);
            Write(line.Text, line.ToError);
            wrote = true;
        }

        if (wrote)
        {
            Flush();
        }
    }

    private void Write(string text, bool toError)
    {
        try
        {
            (toError ? _stderr : _stdout).Write(text);
        }
        catch (IOException)
        {
            // The console is gone (closed pipe): like the built-in logger, losing a line never fails a request.
        }
    }

    private void Flush()
    {
        try
        {
            _stdout.Flush();
            _stderr.Flush();
        }
        catch (IOException)
        {
            // As in Write: a console that has gone away loses its lines, it never fails the service.
        }
    }
}

/// <summary>Formats on the calling thread, like the built-in ConsoleLogger; the provider writes.</summary>
internal sealed class BatchedConsoleLogger(BatchedConsoleLoggerProvider provider, string category) : ILogger
{
    [ThreadStatic]
    private static StringWriter? t_text;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.ScopeProvider.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var text = t_text ??= new StringWriter();
        provider.Formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider.ScopeProvider, text);
        var builder = text.GetStringBuilder();
        if (builder.Length == 0)
        {
            return;
        }

        var line = builder.ToString();
        builder.Clear();
        if (builder.Capacity > 4096)
        {
            builder.Capacity = 4096;
        }

        provider.Enqueue(line, logLevel);
    }
}

public static class BatchedConsoleLogging
{
    /// <summary>Replaces the console provider that <c>WebApplication.CreateBuilder</c> adds by the batched one;
    /// formatters and the <c>Logging:Console</c> section are the built-in ones. No console provider, no change.</summary>
    public static ILoggingBuilder UseBatchedConsole(this ILoggingBuilder logging)
    {
        var builtIn = logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList();
        if (builtIn.Count > 0)
        {
            foreach (var descriptor in builtIn)
            {
                logging.Services.Remove(descriptor);
            }

            logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, BatchedConsoleLoggerProvider>());
        }

        return logging;
    }
}
