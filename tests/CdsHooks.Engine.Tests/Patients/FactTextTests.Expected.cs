using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

/// <summary>The texts each case must give, field by field, in the order the theory reads them.</summary>
public partial class FactTextTests
{
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
}
