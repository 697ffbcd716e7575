using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>
/// Greedy reduction of a failing request: remove one value at a time, halve long strings and
/// arrays, keep every step that still fails the same way. Bodies that are not JSON are cut from the
/// end instead. Bounded, so a report never takes long.
/// </summary>
internal static class Shrinker
{
    private const int MaxAttempts = 600;

    public static async Task<byte[]> ShrinkAsync(byte[] body, string? kind, Func<byte[], Task<Outcome>> post)
    {
        var attempts = 0;
        async Task<bool> StillFails(byte[] candidate) => ++attempts <= MaxAttempts && (await post(candidate)).Kind == kind;

        JsonNode? tree;
        try
        {
            tree = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 100_000 });
            _ = tree is null ? null : Slot.All(tree); // duplicate keys only throw when the object is read
            _ = tree?.ToJsonString(); // a lone escaped surrogate ("\udc00") parses but cannot be written back: cut bytes instead
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            tree = null;
        }

        if (tree is null)
        {
            var cut = body;
            for (var step = cut.Length / 2; step > 0 && attempts < MaxAttempts; step /= 2)
            {
                while (cut.Length > step && await StillFails(cut[..^step]))
                {
                    cut = cut[..^step];
                }
            }

            return cut;
        }

        var current = tree;
        var progress = true;
        while (progress && attempts < MaxAttempts)
        {
            progress = false;
            var count = Slot.All(current).Count;
            for (var k = 0; k < count && !progress && attempts < MaxAttempts; k++)
            {
                foreach (var simplify in new Action<Slot>[] { s => s.Remove(), Halve })
                {
                    var candidate = current.DeepClone();
                    var slots = Slot.All(candidate);
                    if (k >= slots.Count)
                    {
                        break;
                    }

                    var before = candidate.ToJsonString();
                    simplify(slots[k]);
                    var bytes = Encoding.UTF8.GetBytes(candidate.ToJsonString());
                    if (candidate.ToJsonString() != before && await StillFails(bytes))
                    {
                        current = candidate;
                        progress = true;
                        break;
                    }
                }
            }
        }

        return Encoding.UTF8.GetBytes(current.ToJsonString());
    }

    private static void Halve(Slot slot)
    {
        switch (slot.Node)
        {
            case JsonValue v when v.TryGetValue<string>(out var s) && s.Length > 16:
                slot.Set(s[..(s.Length / 2)]);
                break;
            case JsonArray { Count: > 1 } a:
                var keep = (a.Count + 1) / 2;
                while (a.Count > keep)
                {
                    a.RemoveAt(a.Count - 1);
                }

                break;
        }
    }
}

/// <summary>Keeps what the server logged at Error with an exception: the stack traces for the report.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _errors = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _errors);

    public void Clear() => _errors.Clear();

    public string Errors() => _errors.IsEmpty ? "(nothing logged at Error)" : string.Join("\n---\n", _errors);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                errors.Enqueue($"{category} [{eventId.Id}] {formatter(state, exception)}\n{exception}");
            }
        }
    }
}
