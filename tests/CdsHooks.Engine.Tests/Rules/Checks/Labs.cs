using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using CdsHooks.Engine.Cards;
using static CdsHooks.Engine.Tests.TestData;

namespace CdsHooks.Engine.Tests.Rules.Checks;

/// <summary>Observations, conditions and T-DM1 drafts for the check tests (clock: TestData.Now, 2026-11-20).</summary>
internal static class Labs
{
    public const string Weight = "29463-7";
    public const string Platelets = "777-3";
    public const string Alt = "1742-6";
    public const string Ast = "1920-8";
    public const string Bilirubin = "1975-2";
    public const string Lvef = "10230-1";

    private static int _id;

    public static Observation Obs(string loinc, decimal value, string unit, string date = "2026-11-18", decimal? high = null, string status = "final") => new()
    {
        Id = "o" + Interlocked.Increment(ref _id),
        Status = Literal<ObservationStatus>(status),
        Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loinc }] },
        Effective = new FhirDateTime(date),
        Value = new Quantity { Value = value, Unit = unit, System = CodeSystems.Ucum, Code = unit },
        ReferenceRange = high is null ? [] : [new Observation.ReferenceRangeComponent { High = new Quantity { Value = high, Unit = unit, Code = unit } }],
    };

    /// <summary>Recent normal pre-dose labs: nothing in them should fire.</summary>
    public static List<Observation> Normal() =>
    [
        Obs(Weight, 70, "kg", "2026-11-17"),
        Obs(Platelets, 210, "10*3/uL"),
        Obs(Alt, 22, "U/L", high: 40),
        Obs(Ast, 25, "U/L", high: 40),
        Obs(Bilirubin, 0.6m, "mg/dL", high: 1.2m),
        Obs(Lvef, 60, "%", "2026-09-01"),
    ];

    /// <summary>Normal labs with every observation of <paramref name="loinc"/> replaced.</summary>
    public static List<Observation> NormalWith(string loinc, params Observation[] replacements) =>
        [.. Normal().Where(o => o.Code!.Coding![0].Code != loinc), .. replacements];

    public static Condition Condition(string? icd, string text, string? verification = null) => new()
    {
        Id = "c" + Interlocked.Increment(ref _id),
        Code = new CodeableConcept
        {
            Coding = icd is null ? [] : [new Coding { System = CodeSystems.Icd10Cm, Code = icd }],
            Text = text,
        },
        VerificationStatus = verification is null ? null : new CodeableConcept { Coding = [new Coding { Code = verification }] },
        Onset = new FhirDateTime("2025-03-04"),
    };

    public static MedicationRequest Tdm1(decimal? dose = null, string unit = "mg/kg", decimal period = 3, string periodUnit = "wk", string id = "tdm1") =>
        Draft(id, RxNorm("1371041")).With(d => d.DosageInstruction =
        [
            new Dosage
            {
                Timing = new Timing { Repeat = new Timing.RepeatComponent { Frequency = 1, Period = period, PeriodUnit = Literal<Timing.UnitsOfTime>(periodUnit) } },
                DoseAndRate = dose is null ? [] : [new Dosage.DoseAndRateComponent { Dose = new Quantity { Value = dose, Unit = unit, Code = unit, System = CodeSystems.Ucum } }],
            },
        ]);

    public static EvaluationInput Sign(MedicationRequest draft, IEnumerable<Observation>? observations = null, IEnumerable<Condition>? conditions = null) =>
        Input(HookKind.OrderSign, [draft], data: PatientData.Empty with
        {
            Observations = [.. observations ?? Normal()],
            Conditions = [.. conditions ?? []],
        });

    public static Card? CardOf(EvaluationInput input, string ruleId) =>
        NewEngine().Evaluate(input).Cards.SingleOrDefault(c => c.Extension?.RuleId == ruleId);
}
