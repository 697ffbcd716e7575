using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CdsHooks.Service.Demo;

/// <summary>A demo patient: a fixture's prefetch (the chart an EHR would send) with a one-line story.</summary>
public sealed record DemoPatient(string Id, string Label, string Story, string Try, JsonObject Prefetch);

/// <summary>
/// The demo order screen's patients, built from fhir-fixtures/ (copied next to the binaries as demo-patients/,
/// see the project file). The fixtures are written for a clock pinned to <see cref="FixtureNow"/>; every date in
/// them is moved by the whole days between then and today, so "two days ago" stays two days ago in the demo.
/// </summary>
public static partial class DemoPatients
{
    public static readonly DateOnly FixtureNow = new(2026, 11, 20);

    private static readonly (string Id, string Fixture, string Label, string Story, string Try)[] Catalogue =
    [
        ("tdm1-letrozole", "s11-hp-letrozole-bone-only", "Patient A: new bone-only metastases",
            "HR+/HER2+ breast cancer, bone-only metastases found this autumn, no treatment yet for metastatic disease.",
            "Order T-DM1 (Kadcyla) and letrozole."),
        ("hp-maintenance", "s2-letrozole-added-to-hp-maintenance-after-docetaxel", "Patient B: HP maintenance after docetaxel",
            "Liver metastases; six cycles of docetaxel + trastuzumab + pertuzumab, now on trastuzumab + pertuzumab maintenance.",
            "Add letrozole (silent: endocrine therapy joins HP maintenance), then try T-DM1."),
        ("second-line", "r5-tdm1-second-line-after-hp-administrations", "Patient C: 2nd line after progression on THP",
            "Liver metastases progressing after first-line trastuzumab + pertuzumab (+ docetaxel), infusions every 3 weeks.",
            "Order T-DM1: trastuzumab deruxtecan is the preferred second line."),
        ("low-platelets", "r8-01-platelets-49000", "Patient D: platelets 49,000 before a T-DM1 dose",
            "On T-DM1; this week's platelet count is 49,000/mm³ (Grade 3).",
            "Order T-DM1 3.6 mg/kg."),
        ("liver-first-line", "r11-hp-letrozole-liver-first-line-sign", "Patient E: first line with liver metastases",
            "HR+/HER2+ breast cancer with new liver metastases, no treatment yet for metastatic disease.",
            "Order trastuzumab, pertuzumab and letrozole without chemotherapy."),
    ];

    /// <summary>The fixtures a demo patient is built from (the project file copies exactly these).</summary>
    public static IEnumerable<string> Fixtures => Catalogue.Select(c => c.Fixture);

    public static IReadOnlyList<DemoPatient> Load(string folder, DateOnly today)
    {
        var shift = today.DayNumber - FixtureNow.DayNumber;
        var patients = new List<DemoPatient>();
        foreach (var (id, fixture, label, story, tryThis) in Catalogue)
        {
            var request = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, fixture + ".json")))!.AsObject();
            var prefetch = request["prefetch"]!.AsObject();
            Shift(prefetch, shift);
            patients.Add(new DemoPatient(id, label, story, tryThis, prefetch));
        }

        return patients;
    }

    private static void Shift(JsonNode? node, int days)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    if (child is JsonValue v && v.TryGetValue<string>(out var text) && DateLike().Match(text) is { Success: true } m)
                    {
                        var day = DateOnly.ParseExact(m.Groups[1].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(days);
                        o[key] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + m.Groups[2].Value;
                    }
                    else
                    {
                        Shift(child, days);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Shift(child, days);
                }

                break;
        }
    }

    /// <summary>A FHIR date or dateTime: the day, then whatever time and zone follow it.</summary>
    [GeneratedRegex(@"^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$")]
    private static partial Regex DateLike();
}
