using CdsHooks.Engine.Patients;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

public class ReceptorFactsTests
{
    private const string ErIhc = "85337-4";
    private const string PrIhc = "85339-0";
    private const string Her2Ihc = "85319-2";
    private const string Her2Fish = "85318-4";
    private const string Positive = "LA6576-8";
    private const string Negative = "LA6577-6";

    [Fact]
    public void Add_Her2IhcThreePlus_PositiveWithValueSourceAndDate()
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2025-03-02", text: "3+")]));

        Assert.Equal(Status.Positive, facts.Her2.Value);
        Assert.Equal("HER2 positive (IHC 3+, LOINC 85319-2, 2025-03-02)", facts.Her2.Text);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1+")]
    [InlineData("IHC 0")]
    [InlineData("Negative (1+)")]
    public void Add_Her2IhcZeroOrOnePlus_Negative(string text)
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2025-03-02", text: text)]));

        Assert.Equal(Status.Negative, facts.Her2.Value);
    }

    [Fact]
    public void Add_Her2IhcTwoPlusWithoutIsh_UnknownAndSaysEquivocal()
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2025-03-02", text: "2+")]));

        Assert.Equal(Status.Unknown, facts.Her2.Value);
        Assert.Contains("equivocal", facts.Her2.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Amplified", Status.Positive)]
    [InlineData("not amplified", Status.Negative)]
    [InlineData("Negative", Status.Negative)]
    public void Add_Her2IhcTwoPlusDecidedByIshSameDay_IshWins(string ish, Status expected)
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2025-03-02", text: "2+ equivocal"), Receptor(Her2Fish, "2025-03-02", text: ish)]));

        Assert.Equal(expected, facts.Her2.Value);
        Assert.Contains("LOINC 85318-4", facts.Her2.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_Her2IshBeforeLaterEquivocalIhc_Unknown()
    {
        var facts = Facts(Record(observations: [Receptor(Her2Fish, "2023-01-10", Positive), Receptor(Her2Ihc, "2026-10-01", text: "2+")]));

        Assert.Equal(Status.Unknown, facts.Her2.Value);
    }

    [Fact]
    public void Add_PositiveThenLaterNegative_LatestWins()
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2019-05-02", text: "3+"), Receptor(Her2Fish, "2026-10-05", text: "Not amplified")]));

        Assert.Equal(Status.Negative, facts.Her2.Value);
        Assert.Contains("2026-10-05", facts.Her2.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entered-in-error")]
    [InlineData("cancelled")]
    public void Add_VoidResult_Ignored(string status)
    {
        var facts = Facts(Record(observations: [Receptor(Her2Ihc, "2023-01-01", Negative), Receptor(Her2Ihc, "2026-10-05", Positive, status: status)]));

        Assert.Equal(Status.Negative, facts.Her2.Value);
    }

    [Fact]
    public void Add_ConflictingResultsSameDay_Unknown()
    {
        var facts = Facts(Record(observations: [Receptor(ErIhc, "2025-03-02", Positive), Receptor("16112-5", "2025-03-02", Negative)]));

        Assert.Equal(Status.Unknown, facts.Er.Value);
        Assert.Contains("conflicting", facts.Er.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_ContradictoryText_ResultSkipped()
    {
        var facts = Facts(Record(observations: [Receptor(ErIhc, "2025-03-02", text: "ER negative, PR positive")]));

        Assert.Equal(Status.Unknown, facts.Er.Value);
        Assert.Equal("ER status not found", facts.Er.Text);
    }

    [Fact]
    public void Add_NoReceptorData_UnknownNeverNegative()
    {
        var facts = Facts(Record());

        Assert.Equal(Status.Unknown, facts.Her2.Value);
        Assert.Equal(Status.Unknown, facts.HormoneReceptor.Value);
    }

    [Theory]
    [InlineData("Z17.0", Status.Positive)]
    [InlineData("Z171", Status.Negative)]
    public void Add_IcdEstrogenReceptorStatusCondition_ReadAsEr(string code, Status expected)
    {
        var facts = Facts(Record(conditions: [Icd(code, "2024-02-05")]));

        Assert.Equal(expected, facts.Er.Value);
        Assert.Contains("ICD-10-CM Z17.", facts.Er.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_RefutedEstrogenReceptorCondition_Ignored()
    {
        var facts = Facts(Record(conditions: [Icd("Z17.0", "2024-02-05", verification: "refuted")]));

        Assert.Equal(Status.Unknown, facts.Er.Value);
    }

    [Theory]
    [InlineData(Negative, Positive, Status.Positive)]
    [InlineData(Positive, null, Status.Positive)]
    [InlineData(Negative, Negative, Status.Negative)]
    [InlineData(Negative, null, Status.Unknown)]
    public void Add_HormoneReceptorFromErAndPr_PositiveIfEitherNegativeOnlyIfBoth(string er, string? pr, Status expected)
    {
        var observations = new List<Hl7.Fhir.Model.Observation> { Receptor(ErIhc, "2025-03-02", er) };
        if (pr is not null)
        {
            observations.Add(Receptor(PrIhc, "2025-03-02", pr));
        }

        var facts = Facts(Record(observations: observations));

        Assert.Equal(expected, facts.HormoneReceptor.Value);
    }

    [Fact]
    public void Add_ValueStringPositive_ReadFromWords()
    {
        var facts = Facts(Record(observations: [Receptor(PrIhc, "2025-03-02", text: "Positive (90% of nuclei)")]));

        Assert.Equal(Status.Positive, facts.Pr.Value);
        Assert.StartsWith("hormone receptor positive: PR positive", facts.HormoneReceptor.Text, StringComparison.Ordinal);
    }
}
