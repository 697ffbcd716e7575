using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;
using ConceptMap = CdsHooks.Engine.Concepts.ConceptMap;

namespace CdsHooks.Engine.Tests.Concepts;

public class ConceptMapTests
{
    private static ConceptMap Map => TestData.KnowledgeBase.Concepts;

    [Fact]
    public void ResolvedConcepts_SameObjectOnce_OthersByTheirOwnContent()
    {
        var resolved = new ResolvedConcepts();
        var herceptin = new CodeableConcept { Text = "Herceptin" };

        var first = resolved.Resolve(Map, herceptin);
        var remembered = resolved.Resolve(Map, herceptin);
        var femara = resolved.Resolve(Map, new CodeableConcept { Text = "Femara 2.5mg tab" });
        for (var i = 0; i < 9; i++)
        {
            resolved.Resolve(Map, new CodeableConcept { Text = "Kadcyla" }); // pushes herceptin out of the eight entries
        }

        var afterEviction = resolved.Resolve(Map, herceptin);

        Assert.Equal("trastuzumab", Assert.Single(first.Matches).Concept.Id);
        Assert.Same(first, remembered); // text matches are built afresh by the map: the same instance is the memo
        Assert.Equal("letrozole", Assert.Single(femara.Matches).Concept.Id);
        Assert.Equal("trastuzumab", Assert.Single(afterEviction.Matches).Concept.Id);
    }

    [Theory]
    [InlineData("ado-trastuzumab emtansine", "ado-trastuzumab-emtansine")]
    [InlineData("Ado-Trastuzumab Emtansine 160 mg IV", "ado-trastuzumab-emtansine")]
    [InlineData("trastuzumab emtansine", "ado-trastuzumab-emtansine")]
    [InlineData("KADCYLA", "ado-trastuzumab-emtansine")]
    [InlineData("T-DM1", "ado-trastuzumab-emtansine")]
    [InlineData("fam-trastuzumab deruxtecan-nxki", "fam-trastuzumab-deruxtecan")]
    [InlineData("trastuzumab deruxtecan 5.4 mg/kg", "fam-trastuzumab-deruxtecan")]
    [InlineData("Enhertu", "fam-trastuzumab-deruxtecan")]
    [InlineData("trastuzumab", "trastuzumab")]
    [InlineData("Trastuzumab-DKST (Ogivri) 440 mg", "trastuzumab")]
    [InlineData("trastuzumab-anns", "trastuzumab")]
    [InlineData("Herceptin", "trastuzumab")]
    [InlineData("Femara 2.5mg tab", "letrozole")]
    [InlineData("LETROZOLE", "letrozole")]
    [InlineData("nab-paclitaxel", "nab-paclitaxel")]
    [InlineData("paclitaxel", "paclitaxel")]
    public void Resolve_Text_MapsToConcept(string text, string expected)
    {
        var identity = Map.Resolve(new CodeableConcept { Text = text });

        var match = Assert.Single(identity.Matches);
        Assert.Equal(expected, match.Concept.Id);
        Assert.Equal(MatchKind.Text, match.Kind);
    }

    [Theory]
    [InlineData("fam-trastuzumab")]
    [InlineData("trastuzumab DM1")]
    [InlineData("trastuzumab (Kadcyla)")]
    [InlineData("Herceptin / Kadcyla")]
    public void Resolve_LookAlikeLeftover_RefusesToIdentify(string text)
    {
        var identity = Map.Resolve(new CodeableConcept { Text = text });

        Assert.False(identity.IsRecognised);
        Assert.NotNull(identity.Problem);
    }

    [Theory]
    [InlineData("1371041", "ado-trastuzumab-emtansine")] // IN
    [InlineData("1371046", "ado-trastuzumab-emtansine")] // BN Kadcyla
    [InlineData("1658084", "ado-trastuzumab-emtansine")] // product
    [InlineData("224905", "trastuzumab")]
    [InlineData("72965", "letrozole")]
    [InlineData("200064", "letrozole")] // SCD
    [InlineData("153124", "letrozole")] // SBD
    [InlineData("203769", "letrozole")] // BN Femara
    [InlineData("10324", "tamoxifen")]
    public void Resolve_RxNorm_MapsToConcept(string code, string expected)
    {
        var identity = Map.Resolve(TestData.RxNorm(code));

        Assert.Equal(expected, Assert.Single(identity.Matches).Concept.Id);
    }

    [Theory]
    [InlineData("http://www.whocc.no/atc", "L01FD03", "ado-trastuzumab-emtansine")]
    [InlineData("https://www.whocc.no/atc/", "L02BG04", "letrozole")]
    [InlineData("urn:oid:2.16.840.1.113883.6.73", "L01FD01", "trastuzumab")]
    public void Resolve_Atc_MapsToConceptWithNormalisedSystem(string system, string code, string expected)
    {
        var identity = Map.Resolve(new CodeableConcept { Coding = [new Coding { System = system, Code = code }] });

        Assert.Equal(expected, Assert.Single(identity.Matches).Concept.Id);
    }

    [Fact]
    public void Resolve_CodesAreCaseSensitive_LowercaseAtcIsNotMatched()
    {
        var identity = Map.Resolve(new CodeableConcept { Coding = [new Coding { System = CodeSystems.Atc, Code = "l01fd03" }] });

        Assert.False(identity.IsRecognised);
    }

    [Fact]
    public void Resolve_TrastuzumabCodeWithKadcylaText_IsAConflictNotAGuess()
    {
        var identity = Map.Resolve(new CodeableConcept
        {
            Coding = [new Coding { System = CodeSystems.RxNorm, Code = "224905" }],
            Text = "Kadcyla 160 mg",
        });

        Assert.False(identity.IsRecognised);
        Assert.Contains("Kadcyla", identity.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Phesgo_CountsAsPertuzumabAndTrastuzumab()
    {
        var identity = Map.Resolve(new CodeableConcept { Text = "Phesgo" });

        var concept = Assert.Single(identity.Matches).Concept;
        Assert.Contains("pertuzumab", (IReadOnlySet<string>)concept.AllConceptIds);
        Assert.Contains("trastuzumab", (IReadOnlySet<string>)concept.AllConceptIds);
        Assert.Contains("her2-targeted", (IReadOnlySet<string>)concept.AllClassIds);
    }

    [Fact]
    public void Resolve_UnknownDrug_IsNotRecognised()
    {
        var identity = Map.Resolve(new CodeableConcept { Coding = [new Coding { System = CodeSystems.RxNorm, Code = "26225" }], Text = "ondansetron" });

        Assert.False(identity.IsRecognised);
        Assert.Null(identity.Problem);
    }

    [Theory]
    [InlineData("fam-trastuzumab")]
    [InlineData("Kadcyla 160 mg")]
    [InlineData("ondansetron")]
    public void Resolve_SameTextRepeated_SameAnswerEveryTime(string text)
    {
        var first = Map.Resolve(new CodeableConcept { Text = text });

        for (var i = 0; i < 3; i++)
        {
            var again = Map.Resolve(new CodeableConcept { Text = text });
            Assert.Equal(first.Problem, again.Problem);
            Assert.Equal(first.Matches.Select(m => m.Concept.Id), again.Matches.Select(m => m.Concept.Id));
        }
    }
}
