using System.Net;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>Logs go through the framework: its console provider with the JSON formatter, one line per hook call
/// from the source-generated HookLog, and never a patient identifier or a token.</summary>
public sealed class LoggingTests
{
    [Fact]
    public void Start_Default_FrameworkConsoleLoggerWithJsonFormatter()
    {
        using var factory = new CdsServiceFactory();

        var providers = factory.Services.GetServices<ILoggerProvider>();
        var console = factory.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;

        Assert.Contains(providers, p => p is ConsoleLoggerProvider);
        Assert.Equal(ConsoleFormatterNames.Json, console.FormatterName);
    }

    [Fact]
    public async Task Post_HookAnswered_OneLineWithoutPatientOrToken()
    {
        var logs = new LogCapture();
        using var factory = new CdsServiceFactory(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateClient();
        await using var fhir = HttpStub.Start();

        var answer = await HookCalls.PostAsync(client, HookCalls.TdmWithLetrozole(fhir.BaseUrl, "secret-fhir-token-2"));

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Single(logs.Lines, l => l.Contains("[1001] Hook answered", StringComparison.Ordinal));
        Assert.DoesNotContain("pat-1", logs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-fhir-token-2", logs.All, StringComparison.Ordinal);
    }

    /// <summary>Operators filter and alert by event id (docs/operations.md): two messages must never share one.</summary>
    [Fact]
    public void EventIds_AcrossTheService_AreUnique()
    {
        var ids = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            .SelectMany(m => m.GetCustomAttributes(typeof(LoggerMessageAttribute), false).Cast<LoggerMessageAttribute>()
                .Select(a => (a.EventId, Method: m.DeclaringType!.Name + "." + m.Name)))
            .ToList();

        Assert.True(ids.Count > 30, $"only {ids.Count} log messages found: the scan no longer sees them");
        var shared = ids.GroupBy(i => i.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Method))}").ToList();
        Assert.True(shared.Count == 0, "event ids used twice: " + string.Join("; ", shared));
    }
}
