using CdsHooks.Engine.Patients;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

public class MetastaticFactsTests
{
    [Fact]
    public void Add_LiverMetastasis_MetastaticVisceralWithOnset()
    {
        var facts = Facts(Record(conditions: [BreastCancer(), Icd("C78.7", "2024-12-20")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(new DateTimeOffset(2024, 12, 20, 0, 0, 0, TimeSpan.Zero), facts.MetastaticOnset);
        Assert.Equal(Status.Positive, facts.Visceral.Value);
        Assert.Equal("visceral metastases: liver (ICD-10-CM C78.7)", facts.Visceral.Text);
    }

    [Theory]
    [InlineData("C79.51")]
    [InlineData("C79.52")]
    [InlineData("C77.3")]
    [InlineData("C79.2")]
    [InlineData("C79.81")]
    public void Add_BoneNodalSkinOrBreastOnly_NotVisceral(string code)
    {
        var facts = Facts(Record(conditions: [BreastCancer(), Icd(code, "2026-01-05")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(Status.Negative, facts.Visceral.Value);
    }

    [Theory]
    [InlineData("C78.01")]
    [InlineData("C78.2")]
    [InlineData("C78.6")]
    [InlineData("C79.31")]
    [InlineData("C79.71")]
    [InlineData("C7931")]
    public void Add_VisceralIcdSite_Visceral(string code)
    {
        var facts = Facts(Record(conditions: [Icd(code, "2026-01-05")]));

        Assert.Equal(Status.Positive, facts.Visceral.Value);
    }

    [Fact]
    public void Add_BoneAndLiver_VisceralWins()
    {
        var facts = Facts(Record(conditions: [Icd("C79.51", "2025-01-01"), Icd("C78.7", "2026-01-05")]));

        Assert.Equal(Status.Positive, facts.Visceral.Value);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), facts.MetastaticOnset);
    }

    [Fact]
    public void Add_BrainMetastasisSnomed_Visceral()
    {
        var facts = Facts(Record(conditions: [Snomed("94225005", "2026-10-12")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(Status.Positive, facts.Visceral.Value);
    }

    [Fact]
    public void Add_SecondaryNeoplasmWithoutSite_MetastaticVisceralUnknown()
    {
        var facts = Facts(Record(conditions: [Snomed("128462008", "2026-10-12")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(Status.Unknown, facts.Visceral.Value);
    }

    [Fact]
    public void Add_UnspecifiedSiteIcd_VisceralUnknown()
    {
        var facts = Facts(Record(conditions: [Icd("C79.9", "2026-10-12"), Icd("C79.51", "2026-10-12")]));

        Assert.Equal(Status.Unknown, facts.Visceral.Value);
    }

    [Theory]
    [InlineData("C50.911")]
    [InlineData("C50.412")]
    public void Add_BreastCancerWithoutMetastasis_NotMetastatic(string code)
    {
        var facts = Facts(Record(conditions: [Icd(code, "2026-03-01")]));

        Assert.Equal(Status.Negative, facts.Metastatic.Value);
        Assert.Contains("not metastatic", facts.Metastatic.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_PrimaryBreastCancerSnomed_NotMetastatic()
    {
        var facts = Facts(Record(conditions: [Snomed("372137005", "2026-03-01")]));

        Assert.Equal(Status.Negative, facts.Metastatic.Value);
    }

    [Fact]
    public void Add_NoBreastCancerData_UnknownNotNegative()
    {
        var facts = Facts(Record(conditions: [Icd("E11.9", "2020-01-01")]));

        Assert.Equal(Status.Unknown, facts.Metastatic.Value);
        Assert.Equal(Status.Unknown, facts.Visceral.Value);
    }

    [Theory]
    [InlineData("refuted")]
    [InlineData("entered-in-error")]
    public void Add_VoidMetastasis_Ignored(string verification)
    {
        var facts = Facts(Record(conditions: [BreastCancer(), Icd("C78.7", "2026-10-01", verification: verification)]));

        Assert.Equal(Status.Negative, facts.Metastatic.Value);
    }

    [Fact]
    public void Add_ResolvedLiverAndCurrentBone_MetastaticSinceLiverButNotVisceralNow()
    {
        var facts = Facts(Record(conditions: [Icd("C78.7", "2025-02-01", clinical: "resolved"), Icd("C79.51", "2026-03-01")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), facts.MetastaticOnset);
        Assert.Equal(Status.Negative, facts.Visceral.Value);
    }

    [Fact]
    public void Add_OnlyMetastasisInRemission_MetastaticSitesUnknown()
    {
        var facts = Facts(Record(conditions: [Icd("C78.7", "2025-02-01", clinical: "remission")]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(Status.Unknown, facts.Visceral.Value);
    }

    [Theory]
    [InlineData("Stage IV")]
    [InlineData("IV")]
    [InlineData("stage 4")]
    public void Add_BreastCancerStageIv_MetastaticFromItsOnset(string stage)
    {
        var facts = Facts(Record(conditions: [BreastCancer("2026-10-01", stage)]));

        Assert.Equal(Status.Positive, facts.Metastatic.Value);
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), facts.MetastaticOnset);
        Assert.Equal(Status.Unknown, facts.Visceral.Value);
    }

    [Fact]
    public void Add_BreastCancerStageIii_NotMetastatic()
    {
        var facts = Facts(Record(conditions: [BreastCancer("2026-10-01", "Stage IIIA")]));

        Assert.Equal(Status.Negative, facts.Metastatic.Value);
    }

    [Fact]
    public void Add_OnsetFromPeriodOrRecordedDate_EarliestWins()
    {
        var byPeriod = Icd("C78.7", null).With(c => c.Onset = new Hl7.Fhir.Model.Period { Start = "2025-05-01" });
        var byRecorded = Icd("C79.51", null).With(c => c.RecordedDate = "2025-04-15");

        var facts = Facts(Record(conditions: [byPeriod, byRecorded]));

        Assert.Equal(new DateTimeOffset(2025, 4, 15, 0, 0, 0, TimeSpan.Zero), facts.MetastaticOnset);
    }

    [Fact]
    public void Add_ConditionsUnavailable_Unknown()
    {
        var data = Record() with { Unavailable = new HashSet<DataKind> { DataKind.Conditions } };

        var facts = Facts(data);

        Assert.Equal(Status.Unknown, facts.Metastatic.Value);
        Assert.Contains("could not be obtained", facts.Metastatic.Text, StringComparison.Ordinal);
    }
}
