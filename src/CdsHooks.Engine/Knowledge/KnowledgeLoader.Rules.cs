using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Knowledge;

public static partial class KnowledgeLoader
{
    // A rule file into a RuleDefinition: ids, title, indicator, evidence, card text; the parts are in .RuleConditions and .RuleText.

    private static ImmutableArray<RuleDefinition> BuildRules(
        List<(string Name, RuleFile File)> files,
        ConceptMap concepts,
        FrozenDictionary<string, Evidence> evidence,
        FrozenDictionary<string, OrderTemplate> orders,
        KnowledgeManifest manifest,
        IReadOnlySet<string> knownChecks,
        List<string> errors)
    {
        var result = ImmutableArray.CreateBuilder<RuleDefinition>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (f, r) in files)
        {
            var before = errors.Count;
            void Error(string path, string message) => errors.Add($"{f}: {path}: {message}");

            if (string.IsNullOrWhiteSpace(r.Id))
            {
                Error("id", "required");
            }
            else if (!ids.Add(r.Id))
            {
                Error("id", $"duplicate rule id '{r.Id}'");
            }

            if (string.IsNullOrWhiteSpace(r.Title))
            {
                Error("title", "required");
            }

            if (r.Indicator is not ("info" or "warning" or "critical"))
            {
                Error("indicator", "must be info, warning or critical");
            }

            if (r.Sources is not { Count: > 0 })
            {
                Error("sources", "at least one source (seed or label) is required");
            }

            var ruleEvidence = ImmutableArray.CreateBuilder<Evidence>();
            for (var i = 0; i < (r.Evidence?.Count ?? 0); i++)
            {
                if (evidence.TryGetValue(r.Evidence![i], out var e))
                {
                    ruleEvidence.Add(e);
                }
                else
                {
                    Error($"evidence[{i}]", $"unknown evidence id '{r.Evidence[i]}' (not in evidence.yaml)");
                }
            }

            Evidence? primary = null;
            if (r.PrimaryEvidence is not null && !evidence.TryGetValue(r.PrimaryEvidence, out primary))
            {
                Error("primaryEvidence", $"unknown evidence id '{r.PrimaryEvidence}'");
            }

            if (r.Topic?.Code is null || r.Topic.Display is null)
            {
                Error("topic", "code and display are required");
            }

            var drugs = BuildRoles(r.Drugs, "drugs", concepts, Error);
            var absent = BuildRoles(r.Absent, "absent", concepts, Error);
            if (drugs.IsEmpty)
            {
                Error("drugs", "at least one drug role is required");
            }

            foreach (var name in absent.Select(a => a.Name).Where(n => drugs.Any(d => d.Name == n)))
            {
                Error($"absent.{name}", "a role name cannot be both required and absent");
            }

            var patient = BuildPatient(r.Patient, concepts, Error);

            if (r.Check is not null && !knownChecks.Contains(r.Check))
            {
                Error("check", $"unknown check '{r.Check}' (known: {string.Join(", ", knownChecks.Order(StringComparer.Ordinal))})");
            }
            else if (r.Check is not null && BuiltInChecks.Parameters.TryGetValue(r.Check, out var reads))
            {
                // The thresholds live in the rule file: a missing or misspelt one must stop the start-up.
                foreach (var name in reads.Where(p => r.Parameters?.ContainsKey(p) != true))
                {
                    Error($"parameters.{name}", $"required by check '{r.Check}'");
                }

                foreach (var name in (r.Parameters ?? []).Keys.Where(p => !reads.Contains(p)).Order(StringComparer.Ordinal))
                {
                    Error($"parameters.{name}", $"not read by check '{r.Check}' (reads: {string.Join(", ", reads)})");
                }
            }

            var roleNames = drugs.Select(d => d.Name).ToFrozenSet(StringComparer.Ordinal);
            if (string.IsNullOrWhiteSpace(r.Card?.Summary))
            {
                Error("card.summary", "required");
            }
            else
            {
                CheckPlaceholders(r.Card.Summary, "card.summary", roleNames, Error);
                var longest = LongestSummary(r.Card.Summary, drugs, concepts);
                if (longest.Length > MaxSummaryLength)
                {
                    Error("card.summary", $"can reach {longest.Length} characters with the longest drug names; the limit is {MaxSummaryLength}: \"{longest}\"");
                }
            }

            if (string.IsNullOrWhiteSpace(r.Card?.Detail))
            {
                Error("card.detail", "required");
            }
            else
            {
                CheckPlaceholders(r.Card.Detail, "card.detail", roleNames, Error);
            }

            var suggestions = BuildSuggestions(r.Suggestions, roleNames, orders, Error);
            var reasons = r.OverrideReasons is null ? manifest.OverrideReasons : BuildCodeDisplays(r.OverrideReasons, f, "overrideReasons", errors);

            if (errors.Count > before || r.Id is null || r.Title is null || r.Card?.Summary is null || r.Card.Detail is null)
            {
                continue;
            }

            result.Add(new RuleDefinition(
                r.Id, r.Title, ParseIndicator(r.Indicator!), [.. r.Sources!], ruleEvidence.ToImmutable(),
                primary ?? ruleEvidence.FirstOrDefault(), new CodeDisplay(r.Topic!.Code!, r.Topic.Display!),
                drugs, absent, patient,
                (r.Parameters ?? []).ToFrozenDictionary(StringComparer.Ordinal),
                r.Check, r.Card.Summary.Trim(), r.Card.Detail.Trim(), suggestions, reasons, f));
        }

        return result.ToImmutable();
    }

    private static Indicator ParseIndicator(string value) => value switch
    {
        "critical" => Indicator.Critical,
        "warning" => Indicator.Warning,
        _ => Indicator.Info,
    };
}
