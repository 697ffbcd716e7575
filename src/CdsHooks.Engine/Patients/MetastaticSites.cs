using System.Text.RegularExpressions;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>Where a metastasis is; <see cref="Visceral"/> is null when the code does not say.</summary>
internal sealed record MetastaticSite(string Name, bool? Visceral, string Code);

/// <summary>
/// Recognises breast cancer and its metastases in Condition codes.
/// Breast cancer: ICD-10-CM C50.* "Malignant neoplasm of breast"; SNOMED CT 254837009, 372137005
/// (clinical-facts.md §5.2). Metastases: ICD-10-CM C77-C79 (secondary malignant neoplasms); SNOMED CT
/// 128462008 "Secondary malignant neoplastic disease" (site not in the code) and 94225005 "Secondary
/// malignant neoplasm of brain" (§5.2). SNOMED descendants of 128462008 are not recognised: the engine has
/// no SNOMED hierarchy, and no other descendant code is verified in the reference. WHO ICD-10 is not read.
/// </summary>
internal static partial class MetastaticSites
{
    private static readonly string[] BreastSnomed = ["254837009", "372137005"];

    /// <summary>
    /// Visceral or not, by ICD-10-CM category and subcategory title (tabular list):
    /// C78 "Secondary malignant neoplasm of respiratory and digestive organs" (lung, mediastinum, pleura,
    /// other respiratory organs, intestines, retroperitoneum and peritoneum, liver, other digestive
    /// organs) is visceral throughout. In C79 "... of other and unspecified sites": kidney (C79.0),
    /// urinary organs (C79.1), brain and cerebral meninges (C79.3), other parts of the nervous system
    /// (C79.4), ovary (C79.6), adrenal gland (C79.7) and genital organs (C79.82) are visceral organs;
    /// skin (C79.2), bone and bone marrow (C79.5) and breast (C79.81) are not. C77 "Secondary and
    /// unspecified malignant neoplasm of lymph nodes" is nodal, not visceral. C79.89 "other specified
    /// sites" and C79.9 "unspecified site" do not say.
    /// </summary>
    private static readonly (string Prefix, string Name, bool? Visceral)[] IcdSites =
    [
        ("C77", "lymph nodes", false),
        ("C780", "lung", true),
        ("C781", "mediastinum", true),
        ("C782", "pleura", true),
        ("C783", "respiratory organ", true),
        ("C784", "small intestine", true),
        ("C785", "large intestine", true),
        ("C786", "retroperitoneum or peritoneum", true),
        ("C787", "liver", true),
        ("C788", "digestive organ", true),
        ("C78", "respiratory or digestive organ", true),
        ("C790", "kidney", true),
        ("C791", "urinary organ", true),
        ("C792", "skin", false),
        ("C793", "brain or cerebral meninges", true),
        ("C794", "nervous system", true),
        ("C795", "bone or bone marrow", false),
        ("C796", "ovary", true),
        ("C797", "adrenal gland", true),
        ("C7981", "breast", false),
        ("C7982", "genital organ", true),
        ("C79", "site not specified", null),
    ];

    public static bool IsBreastCancer(Condition condition)
    {
        foreach (var code in ClinicalRecords.IcdCodes(condition.Code))
        {
            if (code.StartsWith("C50", StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var code in ClinicalRecords.Codes(condition.Code, CodeSystems.Snomed))
        {
            if (BreastSnomed.Contains(code))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The metastatic site a condition codes, or null when it is not a metastasis.</summary>
    public static MetastaticSite? Site(Condition condition)
    {
        foreach (var code in ClinicalRecords.IcdCodes(condition.Code))
        {
            foreach (var site in IcdSites)
            {
                if (code.StartsWith(site.Prefix, StringComparison.Ordinal))
                {
                    var dotted = code.Length > 3 ? $"{code[..3]}.{code[3..]}" : code;
                    return new MetastaticSite(site.Name, site.Visceral, "ICD-10-CM " + dotted);
                }
            }
        }

        foreach (var code in ClinicalRecords.Codes(condition.Code, CodeSystems.Snomed))
        {
            switch (code)
            {
                case "94225005": return new MetastaticSite("brain", true, "SNOMED CT 94225005");
                case "128462008": return new MetastaticSite("site not specified", null, "SNOMED CT 128462008");
            }
        }

        return null;
    }

    [GeneratedRegex(@"^(?:stage\s*)?(?:iv|4)[abc]?$|\bstage\s*(?:iv|4)[abc]?\b")]
    private static partial Regex StageFour();

    /// <summary>Condition.stage.summary says stage IV: its text, a coding display or a coding code
    /// ("IV", "4", "Stage IV", "stage 4"). No stage-group code is verified in the reference, so the
    /// words are read.</summary>
    public static bool IsStageFour(Condition condition)
    {
        // The summary's text, its codings' displays, then their codes (loops: runs for every breast cancer diagnosis).
        foreach (var stage in condition.Stage)
        {
            var codings = stage.Summary?.Coding ?? [];
            if (IsStageFour(stage.Summary?.Text))
            {
                return true;
            }

            for (var i = 0; i < codings.Count; i++)
            {
                if (IsStageFour(codings[i].Display) || IsStageFour(codings[i].Code))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsStageFour(string? word) =>
        !string.IsNullOrWhiteSpace(word) && StageFour().IsMatch(word.Trim().ToLowerInvariant());
}
