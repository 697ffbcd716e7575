using System.Globalization;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>Small readers shared by the disease facts: codes, dates and statuses of Conditions and
/// Observations, read the same way everywhere.</summary>
internal static class ClinicalRecords
{
    /// <summary>ICD-10-CM codes are compared without the dot: EHRs send both "C79.51" and "C7951".
    /// Otherwise exact (FHIR codes are case-sensitive), like every other code in the engine.</summary>
    public static SystemCodes IcdCodes(CodeableConcept? concept) => new(concept, CodeSystems.Icd10Cm, withoutDots: true);

    /// <summary>The codes of <paramref name="system"/> in the concept, trimmed.</summary>
    public static SystemCodes Codes(CodeableConcept? concept, string system) => new(concept, system, withoutDots: false);

    /// <summary>The first code of <paramref name="system"/> (trimmed) that is a key of <paramref name="known"/>.
    /// The same codes as <see cref="Codes"/>, read without LINQ: it runs for every observation.</summary>
    public static string? FirstCode<T>(CodeableConcept? concept, string system, IReadOnlyDictionary<string, T> known)
    {
        var codings = concept?.Coding;
        for (var i = 0; i < (codings?.Count ?? 0); i++)
        {
            if (codings![i].Code is { } code && known.ContainsKey(code = code.Trim()) && CodeSystems.Is(codings[i].System, system))
            {
                return code;
            }
        }

        return null;
    }

    /// <summary>The words a concept carries: its text and the displays of its codings.</summary>
    public static List<string> Words(CodeableConcept? concept)
    {
        var words = new List<string>();
        Add(concept?.Text);
        var codings = concept?.Coding;
        for (var i = 0; i < (codings?.Count ?? 0); i++)
        {
            Add(codings![i].Display);
        }

        return words;

        void Add(string? word)
        {
            if (!string.IsNullOrWhiteSpace(word))
            {
                words.Add(word.Trim());
            }
        }
    }

    /// <summary>FHIR R4 Condition.verificationStatus: a refuted or mistaken diagnosis is not a diagnosis.</summary>
    public static bool IsVoid(Condition condition) =>
        HasStatus(condition.VerificationStatus, "refuted", "entered-in-error");

    /// <summary>FHIR R4 Condition.clinicalStatus: inactive, remission and resolved are history, not current
    /// disease. A condition without a clinical status is taken as current (the element is often left out).</summary>
    public static bool IsCurrent(Condition condition) =>
        !HasStatus(condition.ClinicalStatus, "inactive", "remission", "resolved");

    /// <summary>FHIR R4 Observation.status: a cancelled or mistaken result was never a result.</summary>
    public static bool IsVoid(Observation observation) =>
        observation.Status is ObservationStatus.EnteredInError or ObservationStatus.Cancelled;

    /// <summary>When a condition began: onset, else the date it was recorded.</summary>
    public static DateTimeOffset? When(Condition condition) =>
        FhirDates.Start(condition.Onset) ?? FhirDates.Parse(condition.RecordedDate);

    /// <summary>When a result applies: the clinically relevant time, else the time it was issued.</summary>
    public static DateTimeOffset? When(Observation observation) =>
        FhirDates.Start(observation.Effective) ?? observation.Issued;

    public static string Day(DateTimeOffset? date) =>
        date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "date not recorded";

    public static string Day(DateTime date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Calendar day (UTC) of an instant: line-of-therapy and relapse windows count whole days.</summary>
    public static DateTime DateOf(DateTimeOffset instant) => instant.UtcDateTime.Date;

    /// <summary>Whether any coding of a status is one of the codes (exact: FHIR codes are case-sensitive).</summary>
    private static bool HasStatus(CodeableConcept? status, params ReadOnlySpan<string> codes)
    {
        var codings = status?.Coding;
        for (var i = 0; i < (codings?.Count ?? 0); i++)
        {
            if (codings![i].Code is { } code && codes.Contains(code))
            {
                return true;
            }
        }

        return false;
    }
}
