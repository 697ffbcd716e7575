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
    public const string Ndc = "http://hl7.org/fhir/sid/ndc";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["urn:oid:2.16.840.1.113883.6.88"] = StripScheme(RxNorm),
        ["urn:oid:2.16.840.1.113883.6.73"] = StripScheme(Atc),
        ["urn:oid:2.16.840.1.113883.6.1"] = StripScheme(Loinc),
        ["urn:oid:2.16.840.1.113883.6.96"] = StripScheme(Snomed),
        ["urn:oid:2.16.840.1.113883.6.90"] = StripScheme(Icd10Cm),
        ["urn:oid:2.16.840.1.113883.6.69"] = StripScheme(Ndc),
    };

    /// <summary>The canonical URIs as EHRs usually send them, normalised once (no allocation per coding).</summary>
    private static readonly FrozenDictionary<string, string> Canonical =
        new[] { RxNorm, Atc, Loinc, Snomed, Icd10Cm, Ucum, Ndc }.ToFrozenDictionary(s => s, StripScheme, StringComparer.Ordinal);

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

    /// <summary>The labeler-product part of an NDC as 5-4 digits ("50242-088-01" → "50242-0088"), or null when it
    /// cannot be told: the package part never changes the drug. Hyphenated 10-digit NDCs come as 4-4-2, 5-3-2 or
    /// 5-4-1 and are padded; an unhyphenated code is read only in the 11-digit 5-4-2 form, since an unhyphenated
    /// 10-digit code does not say where the labeler ends (FDA NDC directory; HL7 "NDC" code system page).</summary>
    public static string? NdcProduct(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var parts = code.Trim().Split('-');
        string labeler, product;
        if (parts.Length == 1)
        {
            var whole = parts[0];
            if (whole.Length != 11 || !IsDigits(whole))
            {
                return null;
            }

            (labeler, product) = (whole[..5], whole[5..9]);
        }
        else if (parts.Length is 2 or 3)
        {
            (labeler, product) = (parts[0], parts[1]);
            if (labeler.Length is < 4 or > 5 || product.Length is < 3 or > 4 || !IsDigits(labeler) || !IsDigits(product) ||
                (parts.Length == 3 && (parts[2].Length is < 1 or > 2 || !IsDigits(parts[2]))))
            {
                return null;
            }

            (labeler, product) = (labeler.PadLeft(5, '0'), product.PadLeft(4, '0'));
        }
        else
        {
            return null;
        }

        return labeler + "-" + product;
    }

    private static bool IsDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return s.Length > 0;
    }

    public static bool Is(string? system, string known) => Normalize(system) == Normalize(known);
}
