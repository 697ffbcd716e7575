using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Knowledge;

public static partial class KnowledgeLoader
{
    private static readonly FrozenSet<string> Receptor = new[] { "positive", "negative" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> Lines = new[] { "first", "second", "second-or-later" }.ToFrozenSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\{([a-zA-Z0-9_-]+)\}")]
    private static partial Regex Placeholder();

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

    private static ImmutableArray<DrugRole> BuildRoles(
        Dictionary<string, DrugRoleYaml>? roles, string path, ConceptMap concepts, Action<string, string> error)
    {
        var result = ImmutableArray.CreateBuilder<DrugRole>();
        foreach (var (name, role) in roles ?? [])
        {
            var where = $"{path}.{name}";
            if ((role.Concepts?.Count ?? 0) + (role.Classes?.Count ?? 0) == 0)
            {
                error(where, "concepts or classes is required");
            }

            foreach (var c in (role.Concepts ?? []).Where(c => !concepts.Concepts.ContainsKey(c)))
            {
                error($"{where}.concepts", $"unknown concept '{c}'");
            }

            foreach (var c in (role.Classes ?? []).Where(c => !concepts.Classes.ContainsKey(c)))
            {
                error($"{where}.classes", $"unknown class '{c}'");
            }

            var origins = ImmutableArray.CreateBuilder<Origin>();
            foreach (var o in role.In ?? ["draft", "active"])
            {
                switch (o)
                {
                    case "draft": origins.Add(Origin.Draft); break;
                    case "active": origins.Add(Origin.Active); break;
                    case "past": origins.Add(Origin.Past); break;
                    default: error($"{where}.in", $"'{o}' is not one of draft, active, past"); break;
                }
            }

            result.Add(new DrugRole(name,
                (role.Concepts ?? []).ToFrozenSet(StringComparer.Ordinal),
                (role.Classes ?? []).ToFrozenSet(StringComparer.Ordinal),
                origins.ToImmutable(), role.Focus ?? true, role.RecentAdministrations ?? true));
        }

        return result.ToImmutable();
    }

    private static PatientConditions BuildPatient(PatientConditionsYaml? p, ConceptMap concepts, Action<string, string> error)
    {
        if (p is null)
        {
            return PatientConditions.None;
        }

        if (p.Her2 is not null && !Receptor.Contains(p.Her2))
        {
            error("patient.her2", "must be positive or negative");
        }

        if (p.HormoneReceptor is not null && !Receptor.Contains(p.HormoneReceptor))
        {
            error("patient.hormoneReceptor", "must be positive or negative");
        }

        if (p.LineOfTherapy is not null && !Lines.Contains(p.LineOfTherapy))
        {
            error("patient.lineOfTherapy", "must be first, second or second-or-later");
        }

        foreach (var (value, path) in new[] { (p.OnFormulary, "patient.onFormulary"), (p.ProgressedOn, "patient.progressedOn") })
        {
            if (value is not null && !concepts.Concepts.ContainsKey(value))
            {
                error(path, $"unknown concept '{value}'");
            }
        }

        if (p.WhenUnknown is not (null or "silent" or "fire"))
        {
            error("patient.whenUnknown", "must be silent or fire");
        }

        return new PatientConditions(p.Her2, p.HormoneReceptor, p.Metastatic, p.LineOfTherapy, p.Visceral,
            p.OnFormulary, p.ProgressedOn, p.WhenUnknown == "fire");
    }

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
