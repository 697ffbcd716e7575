using System.Collections.Frozen;

namespace CdsHooks.Engine.Concepts;

/// <summary>
/// Code-system URIs we accept, normalised once. Equality rule: system URIs are compared after
/// lower-casing, dropping the scheme and any trailing slash (EHRs send http/https and slash variants);
/// codes are compared exactly (FHIR codes are case-sensitive).
/// </summary>
public static class CodeSystems
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Atc = "http://www.whocc.no/atc";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Ucum = "http://unitsofmeasure.org";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["urn:oid:2.16.840.1.113883.6.88"] = StripScheme(RxNorm),
        ["urn:oid:2.16.840.1.113883.6.73"] = StripScheme(Atc),
        ["urn:oid:2.16.840.1.113883.6.1"] = StripScheme(Loinc),
        ["urn:oid:2.16.840.1.113883.6.96"] = StripScheme(Snomed),
        ["urn:oid:2.16.840.1.113883.6.90"] = StripScheme(Icd10Cm),
    };

    /// <summary>The canonical URIs as EHRs usually send them, normalised once (no allocation per coding).</summary>
    private static readonly FrozenDictionary<string, string> Canonical =
        new[] { RxNorm, Atc, Loinc, Snomed, Icd10Cm, Ucum }.ToFrozenDictionary(s => s, StripScheme, StringComparer.Ordinal);

    public static string Normalize(string? system)
    {
        if (string.IsNullOrWhiteSpace(system))
        {
            return string.Empty;
        }

        if (Canonical.TryGetValue(system, out var known))
        {
            return known;
        }

        var s = system.Trim().ToLowerInvariant();
        return Aliases.TryGetValue(s, out var alias) ? alias : StripScheme(s);
    }

    private static string StripScheme(string system)
    {
        var s = system.ToLowerInvariant();
        if (s.StartsWith("https://", StringComparison.Ordinal))
        {
            s = s["https://".Length..];
        }
        else if (s.StartsWith("http://", StringComparison.Ordinal))
        {
            s = s["http://".Length..];
        }

        return s.TrimEnd('/');
    }

    public static bool Is(string? system, string known) => Normalize(system) == Normalize(known);
}
