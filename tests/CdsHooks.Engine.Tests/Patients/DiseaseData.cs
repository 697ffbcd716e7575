using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Tests.Patients;

/// <summary>Conditions, observations and medication history for disease-fact tests; the clock is
/// <see cref="TestData.Now"/> (2026-11-20).</summary>
internal static class DiseaseData
{
    public const string Trastuzumab = "224905";
    public const string Pertuzumab = "1298944";
    public const string Tdm1 = "1371041";
    public const string Lapatinib = "480167";
    public const string Docetaxel = "72962";

    /// <summary>The facts the engine derives for this record, with these drafts in the session.</summary>
    public static PatientFacts Facts(PatientData data, params MedicationRequest[] drafts)
    {
        var input = TestData.Input(HookKind.OrderSign, drafts, data: data);
        var options = new EngineOptions();
        var regimen = RegimenBuilder.Build(input, TestData.KnowledgeBase.Concepts, options, TestData.Now);
        return PatientFactsBuilder.Build(input, regimen, TestData.Now);
    }

    public static PatientData Record(
        IEnumerable<Condition>? conditions = null,
        IEnumerable<Observation>? observations = null,
        IEnumerable<MedicationRequest>? requests = null,
        IEnumerable<MedicationStatement>? statements = null,
        IEnumerable<MedicationAdministration>? administrations = null) => new()
        {
            Conditions = [.. conditions ?? []],
            Observations = [.. observations ?? []],
            MedicationRequests = [.. requests ?? []],
            MedicationStatements = [.. statements ?? []],
            MedicationAdministrations = [.. administrations ?? []],
        };

    public static Condition Icd(string code, string? onset, string clinical = "active", string verification = "confirmed", string? stage = null) =>
        Condition(CodeSystems.Icd10Cm, code, onset, clinical, verification, stage);

    public static Condition Snomed(string code, string? onset, string clinical = "active") =>
        Condition(CodeSystems.Snomed, code, onset, clinical, "confirmed", null);

    public static Condition BreastCancer(string onset = "2023-02-10", string? stage = null) => Icd("C50.911", onset, stage: stage);

    /// <summary>A receptor result with a coded <paramref name="answer"/> or a free-text one (value[x] holds one of them).</summary>
    public static Observation Receptor(string loinc, string? date, string? answer = null, string? text = null, string status = "final")
    {
        if (answer is not null && text is not null)
        {
            throw new ArgumentException("value[x] is either a coded answer or a text, not both", nameof(text));
        }

        return new Observation
        {
            Id = "obs-" + loinc + date,
            Status = TestData.Literal<ObservationStatus>(status),
            Code = new CodeableConcept { Coding = [new Coding { System = CodeSystems.Loinc, Code = loinc }] },
            Effective = date is null ? null : new FhirDateTime(date),
            Value = answer is not null ? new CodeableConcept { Coding = [new Coding { System = "http://loinc.org", Code = answer }] }
                : text is not null ? new FhirString(text)
                : null,
        };
    }

    public static MedicationStatement Statement(string rxnorm, string status, string start, string? end = null, string? reason = null) => new()
    {
        Id = $"ms-{rxnorm}-{start}",
        Status = TestData.Literal<MedicationStatement.MedicationStatusCodes>(status),
        StatusReason = reason is null ? [] : [new CodeableConcept { Text = reason }],
        Medication = TestData.RxNorm(rxnorm),
        Effective = new Period { Start = start, End = end },
    };

    public static MedicationRequest Request(string rxnorm, string status, string start, string? end = null, CodeableConcept? reason = null) => new()
    {
        Id = $"mr-{rxnorm}-{start}",
        Status = TestData.Literal<MedicationRequest.MedicationrequestStatus>(status),
        StatusReason = reason,
        Medication = TestData.RxNorm(rxnorm),
        AuthoredOn = start,
        DosageInstruction = [new Dosage { Timing = new Timing { Repeat = new Timing.RepeatComponent { Bounds = new Period { Start = start, End = end } } } }],
    };

    /// <summary>Completed administrations every <paramref name="days"/> days from first to last (inclusive).</summary>
    public static IEnumerable<MedicationAdministration> Every(string rxnorm, string first, string last, int days = 21)
    {
        for (var d = DateOnly.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
             d <= DateOnly.Parse(last, System.Globalization.CultureInfo.InvariantCulture);
             d = d.AddDays(days))
        {
            yield return new MedicationAdministration
            {
                Id = "ma-" + rxnorm + "-" + d.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture),
                Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                Medication = TestData.RxNorm(rxnorm),
                Effective = new FhirDateTime(d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T10:00:00Z"),
            };
        }
    }

    private static Condition Condition(string system, string code, string? onset, string clinical, string verification, string? stage) => new()
    {
        Id = $"cond-{code}",
        ClinicalStatus = new CodeableConcept { Coding = [new Coding { System = "http://terminology.hl7.org/CodeSystem/condition-clinical", Code = clinical }] },
        VerificationStatus = new CodeableConcept { Coding = [new Coding { System = "http://terminology.hl7.org/CodeSystem/condition-ver-status", Code = verification }] },
        Code = new CodeableConcept { Coding = [new Coding { System = system, Code = code }] },
        Onset = onset is null ? null : new FhirDateTime(onset),
        Stage = stage is null ? [] : [new Condition.StageComponent { Summary = new CodeableConcept { Text = stage } }],
    };
}
