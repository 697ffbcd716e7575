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
public partial class FactTextTests
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
