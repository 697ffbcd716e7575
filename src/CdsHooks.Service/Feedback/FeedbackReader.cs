using System.Globalization;
using System.Text.Json;
using CdsHooks.Service.Infrastructure;

namespace CdsHooks.Service.Feedback;

/// <summary>One feedback entry (CDS Hooks 2.0 §Feedback).</summary>
public sealed record FeedbackEntry(
    string CardUuid,
    string Outcome,
    IReadOnlyList<string> AcceptedSuggestions,
    string? OverrideSystem,
    string? OverrideCode,
    string? OverrideDisplay,
    string? UserComment,
    DateTimeOffset OutcomeTimestamp);

public sealed record FeedbackReceipt(int Received, int Stored, int Duplicates);

/// <summary>
/// Validates feedback, leniently where the CDS Hooks sandbox is known to deviate: override reasons
/// without a display, the older flat {code, system} override reason, a single object instead of
/// an array (cds-hooks-2.0.md items 49-50).
/// </summary>
public static class FeedbackReader
{
    public static (IReadOnlyList<FeedbackEntry>? Entries, RequestError? Error) Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            return (null, RequestError.Invalid("$", $"The body is not valid JSON: {ex.Message}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("feedback", out var feedback))
            {
                return (null, RequestError.Required("feedback"));
            }

            var items = feedback.ValueKind switch
            {
                JsonValueKind.Array => feedback.EnumerateArray().ToList(),
                JsonValueKind.Object => [feedback], // early sandbox builds posted one object
                _ => null,
            };
            if (items is not { Count: > 0 })
            {
                return (null, RequestError.Invalid("feedback", "'feedback' must be a non-empty array"));
            }

            var entries = new List<FeedbackEntry>(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                var (entry, error) = ReadEntry(items[i], $"feedback[{i}]");
                if (error is not null)
                {
                    return (null, error);
                }

                entries.Add(entry!);
            }

            return (entries, null);
        }
    }

    private static (FeedbackEntry?, RequestError?) ReadEntry(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, RequestError.Invalid(path, "a feedback entry must be an object"));
        }

        var card = String(e, "card");
        if (card is null)
        {
            return (null, RequestError.Required(path + ".card"));
        }

        var outcome = String(e, "outcome");
        if (outcome is not ("accepted" or "overridden"))
        {
            return (null, RequestError.Invalid(path + ".outcome", "'outcome' must be 'accepted' or 'overridden'"));
        }

        var timestampText = String(e, "outcomeTimestamp");
        if (timestampText is null)
        {
            return (null, RequestError.Required(path + ".outcomeTimestamp"));
        }

        if (!DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return (null, RequestError.Invalid(path + ".outcomeTimestamp", "'outcomeTimestamp' must be an ISO 8601 instant"));
        }

        var accepted = new List<string>();
        if (e.TryGetProperty("acceptedSuggestions", out var suggestions) && suggestions.ValueKind == JsonValueKind.Array)
        {
            var k = 0;
            foreach (var s in suggestions.EnumerateArray())
            {
                var id = s.ValueKind == JsonValueKind.Object ? String(s, "id") : null;
                if (id is null)
                {
                    return (null, RequestError.Required($"{path}.acceptedSuggestions[{k}].id"));
                }

                accepted.Add(id);
                k++;
            }
        }

        if (outcome == "accepted" && accepted.Count == 0)
        {
            return (null, RequestError.Required(path + ".acceptedSuggestions"));
        }

        string? system = null, code = null, display = null, comment = null;
        if (e.TryGetProperty("overrideReason", out var reason) && reason.ValueKind == JsonValueKind.Object)
        {
            var coding = reason.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.Object ? r : reason;
            system = String(coding, "system");
            code = String(coding, "code");
            display = String(coding, "display");
            comment = String(reason, "userComment");
        }

        accepted.Sort(StringComparer.Ordinal);
        return (new FeedbackEntry(card, outcome, accepted, system, code, display, comment, timestamp.ToUniversalTime()), null);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;
}
