using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Patients.DiseaseData;

namespace CdsHooks.Engine.Tests.Patients;

public class ProgressionFactsTests
{
    [Fact]
    public void Add_StatementStoppedForProgression_ProgressedOnWithReasonAndDate()
    {
        var data = Record(statements: [Statement(Tdm1, "stopped", "2025-06-20", "2026-09-15", "Disease progression")]);

        var facts = Facts(data);

        Assert.Equal("ado-trastuzumab-emtansine", Assert.Single(facts.ProgressedOn));
        var text = Assert.Single(facts.Progressions).Text;
        Assert.Contains("\"Disease progression\"", text, StringComparison.Ordinal);
        Assert.Contains("stopped 2026-09-15", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_RequestStatusReasonCodingDisplay_Progressed()
    {
        var reason = new CodeableConcept { Coding = [new Coding { Display = "Progressive disease" }] };
        var data = Record(requests: [Request(Tdm1, "stopped", "2025-06-20", "2026-08-30", reason)]);

        Assert.Contains("ado-trastuzumab-emtansine", Facts(data).ProgressedOn);
    }

    [Theory]
    [InlineData("Thrombocytopenia grade 3")]
    [InlineData("Treatment break - no progression on restaging CT")]
    [InlineData("Completed, progression-free")]
    [InlineData("non-progressive disease, patient choice")]
    public void Add_StoppedForOtherReason_NotProgressed(string reason)
    {
        var data = Record(statements: [Statement(Tdm1, "stopped", "2025-06-20", "2026-09-15", reason)]);

        Assert.Empty(Facts(data).ProgressedOn);
    }

    [Fact]
    public void Add_ProgressionOnCombinationProduct_EveryIngredientCounts()
    {
        var statement = Statement("2382601", "stopped", "2025-01-10", "2026-09-15", "progressed");

        var facts = Facts(Record(statements: [statement]));

        Assert.Contains("pertuzumab", facts.ProgressedOn);
        Assert.Contains("trastuzumab", facts.ProgressedOn);
    }

    [Fact]
    public void Add_EnteredInErrorStatement_Ignored()
    {
        var data = Record(statements: [Statement(Tdm1, "entered-in-error", "2025-06-20", "2026-09-15", "Disease progression")]);

        Assert.Empty(Facts(data).ProgressedOn);
    }
}
