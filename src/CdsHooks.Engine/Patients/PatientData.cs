using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>Kinds of patient data the service asks for; a kind that could not be obtained is reported
/// in cards ("not checked: ...") instead of being treated as "nothing there".</summary>
public enum DataKind
{
    Patient,
    Conditions,
    Observations,
    MedicationRequests,
    MedicationStatements,
    MedicationAdministrations,
}

/// <summary>The patient's record as far as the service could obtain it (prefetch or FHIR server).</summary>
public sealed record PatientData
{
    public static readonly PatientData Empty = new();

    public Patient? Patient { get; init; }
    public IReadOnlyList<Condition> Conditions { get; init; } = [];
    public IReadOnlyList<Observation> Observations { get; init; } = [];
    public IReadOnlyList<MedicationRequest> MedicationRequests { get; init; } = [];
    public IReadOnlyList<MedicationStatement> MedicationStatements { get; init; } = [];
    public IReadOnlyList<MedicationAdministration> MedicationAdministrations { get; init; } = [];

    /// <summary>Medication resources that came alongside (searchset includes), for medicationReference.</summary>
    public IReadOnlyList<Medication> Medications { get; init; } = [];

    /// <summary>Kinds that could not be obtained (prefetch failed and the FHIR server did not answer).</summary>
    public IReadOnlySet<DataKind> Unavailable { get; init; } = new HashSet<DataKind>();

    /// <summary>Records left out because an element the engine reads could not be read (wrong shape or literal), each
    /// as "Observation/o12 (Observation.value[x]: why)". Cards name them beside the data not obtained.</summary>
    public IReadOnlyList<string> Unreadable { get; init; } = [];

    public bool IsAvailable(DataKind kind) => !Unavailable.Contains(kind);

    /// <summary>Requests, statements and administrations were all obtained: only then does "no record" mean "none".</summary>
    public bool MedicationHistoryAvailable =>
        IsAvailable(DataKind.MedicationRequests) && IsAvailable(DataKind.MedicationStatements) && IsAvailable(DataKind.MedicationAdministrations);
}
