using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using static CdsHooks.Engine.Tests.Rules.Checks.Labs;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules.Checks;

/// <summary>Rule tdm1-safety, platelets: the label's hold below 50,000/mm³ at every dose, and the caution at
/// initiation only for 50,000 to &lt; 100,000/mm³ (T-DM1 not studied below 100,000 at initiation,
/// clinical-facts.md §3.6: "caution" rules, not hard stops). No card holds a dose at 50,000 or above.</summary>
public class PreDoseSafetyCheckInitiationTests
{
    private const string Rule = "tdm1-safety";

    private static readonly CodeableConcept Kadcyla = RxNorm("1371041");

    private static Card? CardFor(decimal platelets, PatientData? history = null) =>
        CardOf(Input(HookKind.OrderSign, [Tdm1(3.6m)], data: (history ?? PatientData.Empty) with
        {
            Observations = NormalWith(Platelets, Obs(Platelets, platelets, "/mm3")),
        }), Rule);

    private static PatientData PastTdm1 => PatientData.Empty with
    {
        MedicationStatements =
        [
            new MedicationStatement
            {
                Id = "tdm1-past", Status = MedicationStatement.MedicationStatusCodes.Completed, Medication = Kadcyla,
                Effective = new Period { Start = "2026-08-01", End = "2026-10-31" },
            },
        ],
    };

    private static PatientData CurrentTdm1 => PatientData.Empty with { MedicationStatements = [ActiveStatement("tdm1-now", Kadcyla)] };

    private static PatientData HistoryUnavailable => PatientData.Empty with
    {
        Unavailable = new HashSet<DataKind> { DataKind.MedicationRequests, DataKind.MedicationStatements, DataKind.MedicationAdministrations },
    };

    [Fact]
    public void Evaluate_Platelets49900_FiresHold()
    {
        var card = CardFor(49900);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("platelets 49,900/mm³ (< 50,000): hold", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Platelets50000AtInitiation_FiresCautionThatDoesNotHold()
    {
        var card = CardFor(50000);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("platelets 50,000/mm³ (< 100,000) before a first dose", card!.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("hold", card.Summary, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("not studied in patients with platelets below 100,000/mm³ at initiation", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Platelets99900AtInitiation_FiresCaution()
    {
        var card = CardFor(99900);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("99,900/mm³ (< 100,000) before a first dose", card!.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Platelets100000AtInitiation_DoesNotFire() =>
        Assert.Null(CardFor(100000));

    [Fact]
    public void Evaluate_Platelets60000AfterPastTdm1_DoesNotFire() =>
        Assert.Null(CardFor(60000, PastTdm1));

    [Fact]
    public void Evaluate_Platelets60000WithCurrentTdm1_DoesNotFire() =>
        Assert.Null(CardFor(60000, CurrentTdm1));

    [Fact]
    public void Evaluate_Platelets50000AfterPastTdm1_DoesNotFire() =>
        Assert.Null(CardFor(50000, PastTdm1));

    [Fact]
    public void Evaluate_Platelets49900AfterPastTdm1_StillHolds() =>
        Assert.Contains("hold", CardFor(49900, PastTdm1)?.Summary ?? string.Empty, StringComparison.Ordinal);

    [Fact]
    public void Evaluate_Platelets60000HistoryNotObtained_FiresCautionSayingFirstDoseUnknown()
    {
        var card = CardFor(60000, HistoryUnavailable);

        Assert.Equal("warning", card?.Indicator);
        Assert.Contains("if this is the first T-DM1 dose", card!.Detail, StringComparison.Ordinal);
        Assert.Contains("medication history could not be obtained", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_PlateletsMissingAtInitiation_UnchangedInfoWithoutCaution()
    {
        var card = CardOf(Input(HookKind.OrderSign, [Tdm1(3.6m)], data: PatientData.Empty with
        {
            Observations = [.. Normal().Where(o => o.Code!.Coding![0].Code != Platelets)],
        }), Rule);

        Assert.Equal("info", card?.Indicator);
        Assert.DoesNotContain("before a first dose", card!.Summary, StringComparison.Ordinal);
    }
}
