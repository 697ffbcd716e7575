using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// Checks a hook response against the CDS Hooks 2.0 card rules (cds-hooks-2.0.md §G-H, the checks
/// Inferno runs): no null/""/[]/{} anywhere but the top-level cards array, uuid on every card and
/// suggestion, summary under 140 characters, indicator enum, source label and topic, selectionBehavior
/// with suggestions, non-empty actions with description, override reasons with display, absolute links; and ours:
/// the knowledge version in the extension and in the detail.
/// </summary>
public static class CdsResponseAssert
{
    public static JsonArray Conforms(JsonNode? response)
    {
        var root = Assert.IsType<JsonObject>(response);
        var cards = Assert.IsType<JsonArray>(root["cards"]);
        foreach (var card in cards.Cast<JsonObject>())
        {
            NoEmpty(card, "card");
            Assert.True(Guid.TryParse((string?)card["uuid"], out _), "card.uuid must be a UUID");
            var summary = (string?)card["summary"];
            Assert.False(string.IsNullOrWhiteSpace(summary));
            Assert.True(summary!.Length < 140, $"summary has {summary.Length} characters: {summary}");
            Assert.Contains((string?)card["indicator"], new[] { "info", "warning", "critical" });
            Assert.False(string.IsNullOrWhiteSpace((string?)card["source"]?["label"]));
            Assert.NotNull(card["source"]?["topic"]?["code"]);
            Assert.NotNull(card["source"]?["topic"]?["system"]);
            var version = (string?)card["extension"]?["regimen-check.knowledge-version"];
            Assert.False(string.IsNullOrWhiteSpace(version), "card.extension names the knowledge version");
            Assert.Contains(version!, (string?)card["detail"] ?? string.Empty, StringComparison.Ordinal); // docs/operations.md: every card's detail names it

            if (card["suggestions"] is JsonArray suggestions)
            {
                Assert.Contains((string?)card["selectionBehavior"], new[] { "at-most-one", "any" });
                Assert.True(suggestions.Count(s => (bool?)s?["isRecommended"] == true) <= 1);
                foreach (var suggestion in suggestions.Cast<JsonObject>())
                {
                    Assert.True(Guid.TryParse((string?)suggestion["uuid"], out _), "suggestion.uuid must be a UUID");
                    Assert.False(string.IsNullOrWhiteSpace((string?)suggestion["label"]));
                    var actions = Assert.IsType<JsonArray>(suggestion["actions"]);
                    Assert.NotEmpty(actions);
                    foreach (var action in actions.Cast<JsonObject>())
                    {
                        Assert.Contains((string?)action["type"], new[] { "create", "update", "delete" });
                        Assert.False(string.IsNullOrWhiteSpace((string?)action["description"]));
                        if ((string?)action["type"] == "delete")
                        {
                            Assert.StartsWith("MedicationRequest/", (string?)action["resourceId"], StringComparison.Ordinal);
                        }
                        else
                        {
                            var resource = Assert.IsType<JsonObject>(action["resource"]);
                            Assert.Equal("MedicationRequest", (string?)resource["resourceType"]);
                            Assert.NotNull(resource["medicationCodeableConcept"]?["coding"]?[0]?["code"]);
                            Assert.NotNull(resource["medicationCodeableConcept"]?["text"]);
                            Assert.NotNull(resource["subject"]?["reference"]);
                            Assert.NotNull(resource["dosageInstruction"]?[0]?["text"]);
                        }
                    }
                }
            }
            else
            {
                Assert.Null(card["selectionBehavior"]);
            }

            foreach (var reason in (card["overrideReasons"] as JsonArray ?? []).Cast<JsonObject>())
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)reason["display"]));
                Assert.NotNull(reason["code"]);
                Assert.NotNull(reason["system"]);
            }

            foreach (var link in (card["links"] as JsonArray ?? []).Cast<JsonObject>())
            {
                Assert.Equal("absolute", (string?)link["type"]);
                Assert.True(Uri.TryCreate((string?)link["url"], UriKind.Absolute, out var url) && url.Scheme == "https");
                Assert.Null(link["appContext"]);
            }
        }

        return cards;
    }

    private static void NoEmpty(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                Assert.Fail($"{path} is null");
                break;
            case JsonObject o:
                Assert.True(o.Count > 0, $"{path} is an empty object");
                foreach (var (key, value) in o)
                {
                    NoEmpty(value, $"{path}.{key}");
                }

                break;
            case JsonArray a:
                Assert.True(a.Count > 0, $"{path} is an empty array");
                for (var i = 0; i < a.Count; i++)
                {
                    NoEmpty(a[i], $"{path}[{i}]");
                }

                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                Assert.False(string.IsNullOrEmpty(s), $"{path} is an empty string");
                break;
        }
    }
}
