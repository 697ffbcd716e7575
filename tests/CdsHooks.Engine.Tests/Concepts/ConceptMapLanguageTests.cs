using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;
using ConceptMap = CdsHooks.Engine.Concepts.ConceptMap;

namespace CdsHooks.Engine.Tests.Concepts;

/// <summary>Issue 14: drug identity across languages and abbreviations, codes first, and the look-alike
/// guards kept for every new spelling (each "reads as" case beside a "refused" or "stays" case).</summary>
public class ConceptMapLanguageTests
{
    private static ConceptMap Map => TestData.KnowledgeBase.Concepts;

    [Theory]
    [InlineData("Trastuzumab-Emtansin", "ado-trastuzumab-emtansine")]        // de
    [InlineData("Trastuzumab Emtansin 160 mg i.v.", "ado-trastuzumab-emtansine")]
    [InlineData("trastuzumab emtansine", "ado-trastuzumab-emtansine")]       // fr, it
    [InlineData("trastuzumab emtansina", "ado-trastuzumab-emtansine")]       // es
    [InlineData("TDM-1", "ado-trastuzumab-emtansine")]
    [InlineData("TDM1 3.6 mg/kg", "ado-trastuzumab-emtansine")]
    [InlineData("Trastuzumab-Deruxtecan", "fam-trastuzumab-deruxtecan")]    // de
    [InlineData("trastuzumab déruxtécan", "fam-trastuzumab-deruxtecan")]    // fr
    [InlineData("trastuzumab deruxtecán", "fam-trastuzumab-deruxtecan")]    // es
    [InlineData("TDXd 5,4 mg/kg", "fam-trastuzumab-deruxtecan")]
    [InlineData("Trastuzumab 440 mg Pulver", "trastuzumab")]                 // de: plain trastuzumab stays trastuzumab
    [InlineData("Trastuzumab 6 mg/kg toutes les 3 semaines", "trastuzumab")] // fr
    [InlineData("Letrozol 2,5 mg", "letrozole")]                             // de, es
    [InlineData("létrozole", "letrozole")]                                   // fr
    [InlineData("letrozolo", "letrozole")]                                   // it
    [InlineData("Anastrozol", "anastrozole")]
    [InlineData("Exemestan 25 mg", "exemestane")]
    [InlineData("exemestano", "exemestane")]
    [InlineData("Tamoxifen 20 mg", "tamoxifen")]                             // de
    [InlineData("tamoxifène", "tamoxifen")]                                  // fr
    [InlineData("tamoxifeno", "tamoxifen")]                                  // es
    [InlineData("tamoxifene", "tamoxifen")]                                  // it
    [InlineData("capecitabina", "capecitabine")]
    [InlineData("docétaxel", "docetaxel")]
    public void Resolve_EuropeanSpellingOrAbbreviation_MapsToConcept(string text, string expected)
    {
        var identity = Map.Resolve(new CodeableConcept { Text = text });

        var match = Assert.Single(identity.Matches);
        Assert.Equal(expected, match.Concept.Id);
    }

    [Theory]
    [InlineData("Trastuzumab TDM-1")]          // an abbreviation beside a look-alike: both named, neither guessed
    [InlineData("Herceptin TDXd")]
    [InlineData("Trastuzumab-Emtansinum")]     // a spelling nobody listed: the stem still reads as a conjugate
    [InlineData("trastuzumab deruxtekan")]
    [InlineData("Herceptin / Trastuzumab-Emtansin")]
    public void Resolve_LookAlikeInAnotherSpelling_RefusesToIdentify(string text)
    {
        var identity = Map.Resolve(new CodeableConcept { Text = text });

        Assert.False(identity.IsRecognised);
        Assert.NotNull(identity.Problem);
    }

    [Theory]
    [InlineData("HP")]        // a regimen abbreviation is not a drug name (see concepts.yaml)
    [InlineData("THP")]
    [InlineData("T")]
    [InlineData("DM 1")]
    public void Resolve_ShortAbbreviationNotListed_IsNotRecognised(string text)
    {
        var identity = Map.Resolve(new CodeableConcept { Text = text });

        Assert.False(identity.IsRecognised);
        Assert.Null(identity.Problem);
    }

    [Theory]
    [InlineData("L01FD03", "Trastuzumab-Emtansin", "ado-trastuzumab-emtansine")]   // issue 14's order
    [InlineData("L01FD03", "Trastuzumab-Emtansinum", "ado-trastuzumab-emtansine")] // unknown spelling: no conflict
    [InlineData("L01FD03", "Ein Arzneimittel", "ado-trastuzumab-emtansine")]       // text that names nothing
    [InlineData("L02BA01", "Tamoxifen 20 mg", "tamoxifen")]
    [InlineData("L01FD04", "trastuzumab déruxtécan", "fam-trastuzumab-deruxtecan")]
    public void Resolve_AtcCodeWithTextNamingNoOtherConcept_CodeIdentifies(string atc, string text, string expected)
    {
        var identity = Map.Resolve(new CodeableConcept
        {
            Coding = [new Coding { System = CodeSystems.Atc, Code = atc, Display = text }],
            Text = text,
        });

        var match = Assert.Single(identity.Matches);
        Assert.Equal(expected, match.Concept.Id);
        Assert.Equal(MatchKind.Atc, match.Kind);
    }

    [Theory]
    [InlineData("L01FD03", "Trastuzumab")]            // T-DM1 code, text names plain trastuzumab
    [InlineData("L01FD01", "Trastuzumab-Emtansin")]   // trastuzumab code, German text names T-DM1
    [InlineData("L01FD01", "TDM-1")]
    [InlineData("L01FD03", "trastuzumab déruxtécan")]
    public void Resolve_AtcCodeWithTextNamingALookAlike_IsAConflict(string atc, string text)
    {
        var identity = Map.Resolve(new CodeableConcept
        {
            Coding = [new Coding { System = CodeSystems.Atc, Code = atc }],
            Text = text,
        });

        Assert.False(identity.IsRecognised);
        Assert.NotNull(identity.Problem);
    }
}

/// <summary>Issue 14: an NDC-only coding identifies the drug by its labeler-product part, whatever the package.</summary>
public class ConceptMapNdcTests
{
    private const string Ndc = "http://hl7.org/fhir/sid/ndc";

    private static ConceptMap Map => TestData.KnowledgeBase.Concepts;

    [Theory]
    [InlineData(Ndc, "50242-088-01", "ado-trastuzumab-emtansine")]    // 5-3-2, Kadcyla
    [InlineData(Ndc, "50242008801", "ado-trastuzumab-emtansine")]     // 11 digits, 5-4-2
    [InlineData("urn:oid:2.16.840.1.113883.6.69", "50242-088-02", "ado-trastuzumab-emtansine")]
    [InlineData(Ndc, "65597-406-01", "fam-trastuzumab-deruxtecan")]   // Enhertu
    [InlineData(Ndc, "0078-0249-15", "letrozole")]                   // 4-4-2, Femara
    [InlineData(Ndc, "00078024915", "letrozole")]
    [InlineData(Ndc, "72162-2209-1", "tamoxifen")]                   // 5-4-1
    [InlineData(Ndc, "63459-303-47", "trastuzumab")]                 // Herzuma
    public void Resolve_NdcOnly_MapsToConceptByProduct(string system, string code, string expected)
    {
        var identity = Map.Resolve(new CodeableConcept { Coding = [new Coding { System = system, Code = code }] });

        var match = Assert.Single(identity.Matches);
        Assert.Equal(expected, match.Concept.Id);
        Assert.Equal(MatchKind.Ndc, match.Kind);
    }

    [Theory]
    [InlineData(Ndc, "5024208801")]       // 10 digits without hyphens: the labeler length is not known
    [InlineData(Ndc, "50242-089-01")]     // another product of the same labeler
    [InlineData(Ndc, "50242-08a-01")]
    [InlineData("http://www.nlm.nih.gov/research/umls/rxnorm", "50242-088-01")] // an NDC under another system
    public void Resolve_NdcNotAKnownProduct_IsNotRecognised(string system, string code)
    {
        var identity = Map.Resolve(new CodeableConcept { Coding = [new Coding { System = system, Code = code }] });

        Assert.False(identity.IsRecognised);
    }

    [Fact]
    public void Resolve_TrastuzumabNdcWithKadcylaText_IsAConflictNotAGuess()
    {
        var identity = Map.Resolve(new CodeableConcept
        {
            Coding = [new Coding { System = Ndc, Code = "63459-303-47" }],
            Text = "Kadcyla 160 mg",
        });

        Assert.False(identity.IsRecognised);
        Assert.NotNull(identity.Problem);
    }
}
