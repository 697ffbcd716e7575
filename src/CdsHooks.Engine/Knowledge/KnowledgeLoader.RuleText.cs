using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Knowledge;

public static partial class KnowledgeLoader
{
    // What a rule says: suggestions, and the {role} placeholders of its card text.

    [GeneratedRegex(@"\{([a-zA-Z0-9_-]+)\}")]
    private static partial Regex Placeholder();

    private static ImmutableArray<SuggestionDefinition> BuildSuggestions(
        List<SuggestionYaml>? list, FrozenSet<string> roles, FrozenDictionary<string, OrderTemplate> orders, Action<string, string> error)
    {
        var result = ImmutableArray.CreateBuilder<SuggestionDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var s = list![i];
            var where = $"suggestions[{i}]";
            if (string.IsNullOrWhiteSpace(s.Id) || !ids.Add(s.Id))
            {
                error($"{where}.id", "required and unique within the rule");
            }

            if (string.IsNullOrWhiteSpace(s.Label))
            {
                error($"{where}.label", "required");
            }
            else
            {
                CheckPlaceholders(s.Label, $"{where}.label", roles, error);
            }

            foreach (var (role, path) in new[] { (s.Replace, "replace"), (s.Remove, "remove") })
            {
                if (role is not null && !roles.Contains(role))
                {
                    error($"{where}.{path}", $"'{role}' is not a drug role of this rule");
                }
            }

            var with = s.With ?? [];
            var add = s.Add ?? [];
            foreach (var t in with.Concat(add).Where(t => !orders.ContainsKey(t)))
            {
                error($"{where}", $"unknown order template '{t}' (not in order-templates.yaml)");
            }

            if (s.Replace is null && with.Count > 0)
            {
                error($"{where}.with", "needs replace");
            }

            if (s.Replace is not null && with.Count == 0)
            {
                error($"{where}.replace", "needs with (the order templates that replace the drug)");
            }

            if (s.Replace is null && s.Remove is null && add.Count == 0)
            {
                error(where, "a suggestion needs replace, remove or add");
            }

            if (s.Id is not null && s.Label is not null)
            {
                result.Add(new SuggestionDefinition(s.Id, s.Label, s.Recommended ?? false, s.Replace, s.Remove, [.. with], [.. add]));
            }
        }

        if (result.Count(s => s.Recommended) > 1)
        {
            error("suggestions", "at most one suggestion may be recommended (selectionBehavior at-most-one)");
        }

        return result.ToImmutable();
    }

    private static void CheckPlaceholders(string template, string path, FrozenSet<string> roles, Action<string, string> error)
    {
        foreach (Match m in Placeholder().Matches(template))
        {
            if (!roles.Contains(m.Groups[1].Value))
            {
                error(path, $"placeholder {{{m.Groups[1].Value}}} is not a drug role of this rule");
            }
        }
    }

    /// <summary>The summary with each placeholder filled by the longest display it could take.</summary>
    private static string LongestSummary(string template, ImmutableArray<DrugRole> roles, ConceptMap concepts) =>
        Placeholder().Replace(template, m =>
        {
            var role = roles.FirstOrDefault(r => r.Name == m.Groups[1].Value);
            if (role is null)
            {
                return m.Value;
            }

            return concepts.Concepts.Values
                .Where(c => role.Concepts.Overlaps(c.AllConceptIds) || role.Classes.Overlaps(c.AllClassIds))
                .Select(c => c.Display)
                .MaxBy(d => d.Length) ?? m.Value;
        });
}
