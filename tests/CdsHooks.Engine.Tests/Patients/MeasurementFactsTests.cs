using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Rules.Checks.Labs;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Patients;

public partial class MeasurementFactsTests
{
    private static PatientFacts Facts(IEnumerable<Observation> observations, IEnumerable<Condition>? conditions = null) =>
        MeasurementFacts.Add(new PatientFacts(), Input(HookKind.OrderSign, [], data: PatientData.Empty with
        {
            Observations = [.. observations],
            Conditions = [.. conditions ?? []],
        }), Now);

    [Theory]
    [InlineData(70, "kg", 70)]
    [InlineData(70000, "g", 70)]
    [InlineData(100, "[lb_av]", 45.359237)]
    [InlineData(100, "lb", 45.359237)]
    public void Add_WeightUnits_ConvertedToKg(decimal value, string unit, decimal kg)
    {
        var weight = Facts([Obs(Weight, value, unit)]).Weight;

        Assert.Equal(kg, weight?.Value);
        Assert.Equal("kg", weight?.Unit);
    }

    [Theory]
    [InlineData(49, "10*3/uL")]
    [InlineData(49, "10^3/uL")]
    [InlineData(49, "K/uL")]
    [InlineData(49, "10*9/L")]
    [InlineData(49, "x10E3/uL")]
    [InlineData(49000, "/mm3")]
    [InlineData(49000, "/uL")]
    public void Add_PlateletUnits_NormalisedToPerCubicMillimetre(decimal value, string unit)
    {
        var platelets = Facts([Obs(Platelets, value, unit)]).Platelets;

        Assert.Equal(49000m, platelets?.Value);
        Assert.Equal("/mm³", platelets?.Unit);
    }

    [Theory]
    [InlineData(" 777-3")]
    [InlineData("777-3 ")]
    public void Add_LoincWithStrayWhitespace_StillRead(string code)
    {
        // As receptor and condition codes: a low platelet count must not be missed over a space in its code.
        Assert.Equal(49000m, Facts([Obs(code, 49, "10*3/uL")]).Platelets?.Value);
    }

    [Fact]
    public void Add_UnknownUnit_IsNotUsedAndReported()
    {
        var facts = Facts([Obs(Platelets, 49, "g/dL")]);

        Assert.Null(facts.Platelets);
        Assert.Contains(facts.UnreadableMeasurements, p => p.Contains("unit not understood", StringComparison.Ordinal));
    }

    [Fact]
    public void Add_EnzymeInMicrokatal_ConvertedToUnitsPerLitre() =>
        Assert.Equal(60m, Facts([Obs(Alt, 1, "ukat/L", high: 0.5m)]).Alt?.Value);

    [Fact]
    public void Add_ReferenceRangeHigh_IsTheUpperLimitInTheSameUnit()
    {
        var alt = Facts([Obs(Alt, 1, "ukat/L", high: 0.5m)]).Alt;

        Assert.Equal(30m, alt?.UpperLimit);
    }

    [Fact]
    public void Add_NoReferenceRange_LeavesUpperLimitToTheRule() =>
        Assert.Null(Facts([Obs(Alt, 30, "U/L")]).Alt?.UpperLimit);

    [Theory]
    [InlineData("mg/dL", "mg/dL")]
    [InlineData("umol/L", "µmol/L")]
    [InlineData("µmol/L", "µmol/L")]
    public void Add_BilirubinUnits_KeptInTheirOwnUnit(string unit, string expected) =>
        Assert.Equal(expected, Facts([Obs(Bilirubin, 1, unit)]).Bilirubin?.Unit);

    [Fact]
    public void Add_BilirubinRangeInOtherUnit_IsNotUsedAsUpperLimit()
    {
        var observation = Obs(Bilirubin, 30, "umol/L").With(o =>
            o.ReferenceRange = [new Observation.ReferenceRangeComponent { High = new Quantity { Value = 1.2m, Unit = "mg/dL" } }]);

        Assert.Null(Facts([observation]).Bilirubin?.UpperLimit);
    }

    [Fact]
    public void Add_AlternativeLoincCodes_AreRead()
    {
        var facts = Facts([Obs("1743-4", 30, "U/L"), Obs("30239-8", 31, "U/L"), Obs("42719-5", 0.5m, "mg/dL"), Obs("18043-0", 55, "%")]);

        Assert.Equal(30m, facts.Alt?.Value);
        Assert.Equal(31m, facts.Ast?.Value);
        Assert.Equal(0.5m, facts.Bilirubin?.Value);
        Assert.Equal(55m, facts.Lvef?.Value);
    }

    [Fact]
    public void Add_LvefAsFraction_ReadAsPercent() =>
        Assert.Equal(55m, Facts([Obs(Lvef, 0.55m, "1")]).Lvef?.Value);
}
