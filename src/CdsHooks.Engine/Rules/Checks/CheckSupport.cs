using System.Runtime.CompilerServices;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules.Checks;

/// <summary>Reading parameters and writing values the same way in every check.</summary>
internal static class CheckSupport
{
    /// <summary>Formatting a decimal with "#,0.##" is slow next to the rest of a check, and a rule's parameters
    /// never change: formatted on first use, per rule instance (weakly held: they go with their knowledge base).</summary>
    private static readonly ConditionalWeakTable<RuleDefinition, KeyValuePair<string, string>[]> ParameterTexts = new();

    /// <summary>A parameter the check declared; the loader has refused any rule without it.</summary>
    public static decimal Param(RuleDefinition rule, string name) =>
        rule.Parameters.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"rule {rule.Id}: parameter '{name}' is missing ({rule.File})");

    /// <summary>Every parameter as a {check.name} value, so that card text never repeats a threshold.
    /// A new dictionary each time (the check adds its own values), filled from the texts formatted once per rule.</summary>
    public static Dictionary<string, string> ParameterValues(RuleDefinition rule)
    {
        var texts = ParameterTexts.GetValue(rule, static r => [.. r.Parameters.Select(p => KeyValuePair.Create(p.Key, Number(p.Value)))]);
        var values = new Dictionary<string, string>(texts.Length + 4, StringComparer.Ordinal);
        foreach (var (name, text) in texts)
        {
            values[name] = text;
        }

        return values;
    }

    public static string Number(decimal value) => MeasurementFacts.Format(value);

    public static string Day(DateTimeOffset? date) => ClinicalRecords.Day(date);

    /// <summary>"Platelets 49,000/mm³ on 2026-11-18 (Observation/o1, LOINC 777-3)".</summary>
    public static string Describe(Measurement m) =>
        $"{m.Name} {Number(m.Value)}{(m.Unit.StartsWith('%') || m.Unit.StartsWith('/') ? string.Empty : " ")}{m.Unit} on {Day(m.Date)} ({m.Source})";

    /// <summary>"a, b or c".</summary>
    public static string Or(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1];

    public static Indicator Worst(IEnumerable<Indicator> indicators) =>
        indicators.DefaultIfEmpty(Indicator.Info).Max();

    /// <summary>Whole days between a date and now, for "(50 days ago)".</summary>
    public static int DaysAgo(DateTimeOffset date, DateTimeOffset now) => (int)Math.Floor((now - date).TotalDays);

    /// <summary>A summary fragment cut at a word so that the rendered summary stays under 140 characters.</summary>
    public static string Short(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text[..(max - 1)];
        var space = cut.LastIndexOf(' ');
        return (space > max / 2 ? cut[..space] : cut).TrimEnd(',', ';', ' ') + "…";
    }
}
