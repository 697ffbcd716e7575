using System.Text.Json.Nodes;

namespace CdsHooks.Replay;

/// <summary>
/// The CDS Hooks 2.0 card rules FixtureTests checks (CdsResponseAssert): no null, "", [] or {} below the
/// cards array, a UUID on every card and suggestion, a summary under 140 characters, the indicator enum,
/// a source with label and topic, selectionBehavior with suggestions, override reasons with a display,
/// absolute https links.
/// </summary>
internal static class ResponseRules
{
    private static readonly string[] Indicators = ["info", "warning", "critical"];

    public static string? Violation(JsonNode? response)
    {
        if (response?["cards"] is not JsonArray cards)
        {
            return "no cards array";
        }

        for (var i = 0; i < cards.Count; i++)
        {
            if (cards[i] is not JsonObject card)
            {
                return $"cards[{i}] is not an object";
            }

            var problem = Empty(card, $"cards[{i}]") ?? Card(card);
            if (problem is not null)
            {
                return $"cards[{i}]: {problem}";
            }
        }

        return null;
    }

    private static string? Card(JsonObject card)
    {
        var summary = (string?)card["summary"];
        if (!Guid.TryParse((string?)card["uuid"], out _))
        {
            return "uuid is not a UUID";
        }

        if (string.IsNullOrWhiteSpace(summary) || summary.Length >= 140)
        {
            return $"summary must have 1 to 139 characters: '{summary}'";
        }

        if (!Indicators.Contains((string?)card["indicator"]))
        {
            return $"indicator '{(string?)card["indicator"]}' is not info, warning or critical";
        }

        if (string.IsNullOrWhiteSpace((string?)card["source"]?["label"]) || card["source"]?["topic"]?["code"] is null)
        {
            return "source needs a label and a topic";
        }

        if (card["suggestions"] is JsonArray suggestions)
        {
            if ((string?)card["selectionBehavior"] is not ("at-most-one" or "any"))
            {
                return "suggestions without selectionBehavior";
            }

            if (suggestions.Any(s => !Guid.TryParse((string?)s?["uuid"], out _) || s?["actions"] is not JsonArray { Count: > 0 }))
            {
                return "a suggestion lacks a uuid or actions";
            }
        }

        if ((card["overrideReasons"] as JsonArray)?.Any(r => string.IsNullOrWhiteSpace((string?)r?["display"])) == true)
        {
            return "an override reason has no display";
        }

        var links = card["links"] as JsonArray ?? [];
        return links.Any(l => !Uri.TryCreate((string?)l?["url"], UriKind.Absolute, out var u) || u.Scheme != "https" || (string?)l?["type"] != "absolute")
            ? "a link is not an absolute https URL"
            : null;
    }

    private static string? Empty(JsonNode? node, string path) => node switch
    {
        null => $"{path} is null",
        JsonObject { Count: 0 } => $"{path} is an empty object",
        JsonArray { Count: 0 } => $"{path} is an empty array",
        JsonObject o => o.Select(p => Empty(p.Value, $"{path}.{p.Key}")).FirstOrDefault(p => p is not null),
        JsonArray a => a.Select((v, i) => Empty(v, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length == 0 => $"{path} is an empty string",
        _ => null,
    };
}
