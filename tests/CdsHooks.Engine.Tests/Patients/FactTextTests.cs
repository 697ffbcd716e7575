using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

/// <summary>
/// The exact words of the receptor and metastatic facts for records that take every path of their
/// decision (conflict, equivocal, ISH after IHC 2+, truncated report, Z17 diagnosis, stage IV, sites
/// no longer active, undated and tied primary diagnoses). Cards quote these texts: any change to how
/// they are built must leave them as they are.
/// </summary>
public class FactTextTests
{
    private static IEnumerable<(string Name, PatientData Data)> Cases()
    {
        yield return ("er-conflict", Record(observations: [Receptor("85337-4", "2025-03-02", "LA6576-8"), Receptor("16112-5", "2025-03-02", "LA6577-6")]));
        yield return ("her2-equivocal", Record(observations: [Receptor("85319-2", "2025-03-02", text: "2+")]));
        yield return ("her2-equivocal-then-ish", Record(observations: [Receptor("85319-2", "2025-03-02", text: "2+"), Receptor("85318-4", "2025-03-02", text: "Amplified")]));
        yield return ("her2-long-text", Record(observations: [Receptor("85319-2", "2025-03-02", text: "Score 3+ strong complete membrane staining in more than 10% of cells")]));
        yield return ("hr-both-positive", Record(observations: [Receptor("85337-4", "2025-03-02", "LA6576-8"), Receptor("85339-0", "2025-03-02", text: "Positive")]));
        yield return ("hr-both-negative", Record(observations: [Receptor("85337-4", "2025-03-02", "LA6577-6"), Receptor("85339-0", "2025-03-02", "LA6577-6")]));
        yield return ("er-from-z17", Record(conditions: [Icd("Z17.0", "2024-01-01"), BreastCancer()]));
        yield return ("mixed-sites-stage-iv", Record(conditions: [BreastCancer(stage: "Stage IV"), Icd("C78.7", "2024-05-01", clinical: "inactive"), Icd("C79.51", "2024-03-01"), Icd("C77.3", "2024-03-01")]));
        yield return ("primary-earliest", Record(conditions: [Icd("C50.911", onset: null), Icd("C50.912", "2023-01-01"), Icd("C50.411", "2022-06-01"), Icd("C50.412", "2022-06-01")]));
        yield return ("site-not-specified", Record(conditions: [BreastCancer(), Snomed("128462008", "2025-01-01"), Icd("C79.51", "2025-02-01")]));
        yield return ("resolved-only", Record(conditions: [BreastCancer(), Icd("C78.7", "2024-05-01", clinical: "resolved")]));
        yield return ("stage-iv-only", Record(conditions: [BreastCancer(onset: "2024-07-01", stage: "IV"), BreastCancer(onset: "2024-02-01", stage: "stage 4b")]));
        yield return ("visceral-repeated", Record(conditions: [BreastCancer(), Icd("C78.7", "2025-01-01"), Icd("C78.7", "2024-01-01"), Icd("C78.01", "2025-06-01"), Icd("C79.51", "2025-06-01")]));
    }

    public static TheoryData<string, string[]> Expected() => new()
    {
        {
            "er-conflict",
            [
                "Unknown",
                "ER status unknown: conflicting results on the same day (positive, LOINC 85337-4, 2025-03-02; negative, LOINC 16112-5, 2025-03-02)",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status unknown: conflicting results on the same day (positive, LOINC 85337-4, 2025-03-02; negative, LOINC 16112-5, 2025-03-02); PR status not found",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "her2-equivocal",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 equivocal (IHC 2+, LOINC 85319-2, 2025-03-02): no ISH result on that day or later",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "her2-equivocal-then-ish",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Positive",
                "HER2 positive (ISH Amplified, LOINC 85318-4, 2025-03-02), after an equivocal result (IHC 2+, LOINC 85319-2, 2025-03-02)",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "her2-long-text",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Positive",
                "HER2 positive (IHC Score 3+ strong complete membrane staini…, LOINC 85319-2, 2025-03-02)",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "hr-both-positive",
            [
                "Positive",
                "ER positive (LOINC 85337-4, 2025-03-02)",
                "Positive",
                "PR positive (LOINC 85339-0, 2025-03-02)",
                "Unknown",
                "HER2 status not found",
                "Positive",
                "hormone receptor positive: ER positive (LOINC 85337-4, 2025-03-02); PR positive (LOINC 85339-0, 2025-03-02)",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "hr-both-negative",
            [
                "Negative",
                "ER negative (LOINC 85337-4, 2025-03-02)",
                "Negative",
                "PR negative (LOINC 85339-0, 2025-03-02)",
                "Unknown",
                "HER2 status not found",
                "Negative",
                "hormone receptor negative: ER negative (LOINC 85337-4, 2025-03-02); PR negative (LOINC 85339-0, 2025-03-02)",
                "Unknown",
                "metastatic status unknown: no breast cancer diagnosis on record",
                "",
                "Unknown",
                "sites of metastasis not recorded",
            ]
        },
        {
            "er-from-z17",
            [
                "Positive",
                "ER positive (ICD-10-CM Z17.0, 2024-01-01)",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Positive",
                "hormone receptor positive: ER positive (ICD-10-CM Z17.0, 2024-01-01)",
                "Negative",
                "not metastatic: breast cancer (ICD-10-CM C50.911, 2023-02-10) without any metastasis on record",
                "",
                "Negative",
                "no visceral metastases: not metastatic: breast cancer (ICD-10-CM C50.911, 2023-02-10) without any metastasis on record",
            ]
        },
        {
            "mixed-sites-stage-iv",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Positive",
                "metastatic disease since 2024-03-01: liver (ICD-10-CM C78.7, no longer active), bone or bone marrow (ICD-10-CM C79.51), lymph nodes (ICD-10-CM C77.3), stage IV (ICD-10-CM C50.911)",
                "2024-03-01T00:00:00.0000000+00:00",
                "Negative",
                "non-visceral metastases only: bone or bone marrow (ICD-10-CM C79.51), lymph nodes (ICD-10-CM C77.3)",
            ]
        },
        {
            "primary-earliest",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Negative",
                "not metastatic: breast cancer (ICD-10-CM C50.411, 2022-06-01) without any metastasis on record",
                "",
                "Negative",
                "no visceral metastases: not metastatic: breast cancer (ICD-10-CM C50.411, 2022-06-01) without any metastasis on record",
            ]
        },
        {
            "site-not-specified",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Positive",
                "metastatic disease since 2025-01-01: site not specified (SNOMED CT 128462008), bone or bone marrow (ICD-10-CM C79.51)",
                "2025-01-01T00:00:00.0000000+00:00",
                "Unknown",
                "sites of metastasis unknown: site not specified (SNOMED CT 128462008) does not say whether visceral",
            ]
        },
        {
            "resolved-only",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Positive",
                "metastatic disease since 2024-05-01: liver (ICD-10-CM C78.7, no longer active)",
                "2024-05-01T00:00:00.0000000+00:00",
                "Unknown",
                "sites of metastasis unknown: no current metastatic site on record",
            ]
        },
        {
            "stage-iv-only",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Positive",
                "metastatic disease since 2024-02-01: stage IV (ICD-10-CM C50.911)",
                "2024-02-01T00:00:00.0000000+00:00",
                "Unknown",
                "sites of metastasis unknown: no current metastatic site on record",
            ]
        },
        {
            "visceral-repeated",
            [
                "Unknown",
                "ER status not found",
                "Unknown",
                "PR status not found",
                "Unknown",
                "HER2 status not found",
                "Unknown",
                "hormone-receptor status unknown: ER status not found; PR status not found",
                "Positive",
                "metastatic disease since 2024-01-01: liver (ICD-10-CM C78.7), lung (ICD-10-CM C78.01), bone or bone marrow (ICD-10-CM C79.51)",
                "2024-01-01T00:00:00.0000000+00:00",
                "Positive",
                "visceral metastases: liver (ICD-10-CM C78.7), lung (ICD-10-CM C78.01)",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void Add_Record_FactTextsAsQuotedOnCards(string name, string[] expected)
    {
        var f = Facts(Cases().Single(c => c.Name == name).Data);

        string[] actual =
        [
            f.Er.Value.ToString(), f.Er.Text, f.Pr.Value.ToString(), f.Pr.Text, f.Her2.Value.ToString(), f.Her2.Text,
            f.HormoneReceptor.Value.ToString(), f.HormoneReceptor.Text, f.Metastatic.Value.ToString(), f.Metastatic.Text,
            f.MetastaticOnset?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            f.Visceral.Value.ToString(), f.Visceral.Text,
        ];
        Assert.Equal(expected, actual);
    }
}
