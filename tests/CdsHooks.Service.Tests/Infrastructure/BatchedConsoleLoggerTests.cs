using System.Text;
using CdsHooks.Service.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Tests.Infrastructure;

public sealed class BatchedConsoleLoggerTests
{
    [Fact]
    public void Log_InformationLines_WrittenWithTheJsonFormatterByTheNextFlush()
    {
        var stdout = new Capture();
        using (var provider = Provider(stdout, new Capture()))
        {
            var logger = provider.CreateLogger("CdsHooks.Test");
            logger.LogInformation(new EventId(1001), "Hook answered: {ServiceId}", "svc-1");
            logger.LogInformation(new EventId(1001), "Hook answered: {ServiceId}", "svc-2");

            Assert.True(SpinWait.SpinUntil(() => stdout.Text.Contains("svc-2", StringComparison.Ordinal), TimeSpan.FromSeconds(5)));
        }

        var lines = stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"EventId\":1001,\"LogLevel\":\"Information\",\"Category\":\"CdsHooks.Test\",\"Message\":\"Hook answered: svc-1\"", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_WritesWhatIsStillQueued()
    {
        var stdout = new Capture();
        var provider = Provider(stdout, new Capture());
        var logger = provider.CreateLogger("CdsHooks.Test");
        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("line {Number}", i);
        }

        provider.Dispose();

        Assert.Equal(100, stdout.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("line 99", stdout.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_AtStandardErrorThreshold_GoesToStandardError()
    {
        var stdout = new Capture();
        var stderr = new Capture();
        using (var provider = Provider(stdout, stderr, o => o.LogToStandardErrorThreshold = LogLevel.Warning))
        {
            provider.CreateLogger("CdsHooks.Test").LogWarning("rule {RuleId} threw", "r-1");
            provider.CreateLogger("CdsHooks.Test").LogInformation("fine");
        }

        Assert.Contains("rule r-1 threw", stderr.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("fine", stderr.Text, StringComparison.Ordinal);
        Assert.Contains("fine", stdout.Text, StringComparison.Ordinal);
    }

    private static BatchedConsoleLoggerProvider Provider(Capture stdout, Capture stderr, Action<ConsoleLoggerOptions>? configure = null)
    {
        var options = new ConsoleLoggerOptions { FormatterName = ConsoleFormatterNames.Json };
        configure?.Invoke(options);
        return new BatchedConsoleLoggerProvider(new StaticMonitor(options), BuiltInFormatters(), stdout, stderr);
    }

    /// <summary>The built-in formatters, as AddConsole registers them.</summary>
    private static List<ConsoleFormatter> BuiltInFormatters() =>
        [.. new ServiceCollection().AddLogging(b => b.AddConsole()).BuildServiceProvider().GetServices<ConsoleFormatter>()];

    private sealed class StaticMonitor(ConsoleLoggerOptions value) : IOptionsMonitor<ConsoleLoggerOptions>
    {
        public ConsoleLoggerOptions CurrentValue => value;

        public ConsoleLoggerOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<ConsoleLoggerOptions, string?> listener) => null;
    }

    /// <summary>A stream that keeps what was flushed to it, readable while the writer thread writes.</summary>
    private sealed class Capture : MemoryStream
    {
        private readonly object _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return Encoding.UTF8.GetString(GetBuffer(), 0, (int)Length);
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (_gate)
            {
                base.Write(buffer, offset, count);
            }
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_gate)
            {
                base.Write(buffer);
            }
        }
    }
}
