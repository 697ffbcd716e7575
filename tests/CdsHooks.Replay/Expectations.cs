using System.Text.Json;
using System.Text.Json.Nodes;

namespace CdsHooks.Replay;

/// <summary>expected.json against an answer (fhir-fixtures/README.md): the same checks as FixtureTests,
/// returning the first reason for failure instead of throwing.</summary>
internal static class Expectations
{
    public static string? Check(JsonObject expected, int status, string body)
    {
        var wantStatus = (int?)expected["status"] ?? 200;
        if (status != wantStatus)
        {
            return $"expected status {wantStatus}, got {status}: {Excerpt(body)}";
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return $"the answer is not JSON: {Excerpt(body)}";
        }

        return status == 200 ? CheckCards(expected, json) : CheckOutcome(expected, json);
    }

    private static string? CheckOutcome(JsonObject expected, JsonNode? json)
    {
        if ((string?)json?["resourceType"] != "OperationOutcome")
        {
            return "a 4xx answer must be an OperationOutcome";
        }

        var path = (string?)expected["issuePath"];
        var got = (string?)json?["issue"]?[0]?["expression"]?[0];
        return path is not null && path != got ? $"expected the issue at '{path}', got '{got}'" : null;
    }

    private static string? CheckCards(JsonObject expected, JsonNode? json)
    {
        if (ResponseRules.Violation(json) is { } violation)
        {
            return "not a conforming CDS Hooks response: " + violation;
        }

        var cards = json!["cards"]!.AsArray().OfType<JsonObject>().ToList();
        var wanted = expected["cards"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        foreach (var want in wanted)
        {
            var rule = (string?)want["rule"];
            var card = cards.FirstOrDefault(c => RuleId(c) == rule);
            if (card is null)
            {
                return $"expected a card from rule {rule}; got [{RuleIds(cards)}]";
            }

            if ((string?)want["indicator"] is { } indicator && indicator != (string?)card["indicator"])
            {
                return $"{rule}: expected indicator {indicator}, got {(string?)card["indicator"]}";
            }

            foreach (var (field, key) in new[] { ("summary", "summaryContains"), ("detail", "detailContains") })
            {
                foreach (var word in want[key]?.AsArray().Select(w => (string?)w) ?? [])
                {
                    if (word is not null && ((string?)card[field])?.Contains(word, StringComparison.OrdinalIgnoreCase) != true)
                    {
                        return $"{rule}: the {field} does not contain \"{word}\"";
                    }
                }
            }

            if ((int?)want["suggestions"] is { } count && count != ((card["suggestions"] as JsonArray)?.Count ?? 0))
            {
                return $"{rule}: expected {count} suggestion(s), got {(card["suggestions"] as JsonArray)?.Count ?? 0}";
            }
        }

        foreach (var absent in expected["absentRules"]?.AsArray().Select(a => (string?)a) ?? [])
        {
            if (cards.Any(c => RuleId(c) == absent))
            {
                return $"rule {absent} must not fire; got [{RuleIds(cards)}]";
            }
        }

        return ((bool?)expected["exactCards"] ?? true) && wanted.Count != cards.Count
            ? $"expected {wanted.Count} card(s), got [{RuleIds(cards)}]"
            : null;
    }

    private static string? RuleId(JsonObject card) => (string?)card["extension"]?["regimen-check.rule-id"];

    private static string RuleIds(IEnumerable<JsonObject> cards) => string.Join(",", cards.Select(RuleId));

    private static string Excerpt(string text) => text.Length <= 300 ? text : text[..300] + "...";
}
