using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// Conditions that record interstitial lung disease or pneumonitis, whatever their clinical status:
/// the Kadcyla PI permanently discontinues T-DM1 in patients diagnosed with ILD or pneumonitis, and a
/// resolved episode is still a diagnosis. Refuted and entered-in-error conditions are ignored;
/// provisional or unconfirmed ones count and are marked so in the card.
/// Read by ICD-10-CM code (<see cref="MeasurementCodes.LungDiseaseIcd10Exact"/>, J84.*) or by the
/// words "pneumonitis" / "interstitial lung disease" in the text or a coding display (which also
/// covers SNOMED CT codings: no SNOMED code for ILD is verified in clinical-facts.md).
/// </summary>
internal static partial class LungDiseaseHistory
{
    [GeneratedRegex(@"\b(pneumonitis|interstitial\s+lung\s+diseases?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Words();

    /// <summary><see cref="MeasurementCodes.LungDiseaseIcd10Exact"/> without the dots, made once.</summary>
    private static readonly FrozenSet<string> LungDiseaseIcd10Plain = MeasurementCodes.LungDiseaseIcd10Exact
        .Select(c => c.Replace(".", string.Empty, StringComparison.Ordinal)).ToFrozenSet(StringComparer.Ordinal);

    public static ImmutableArray<DiagnosisFact> Find(IEnumerable<Condition> conditions)
    {
        var found = ImmutableArray.CreateBuilder<DiagnosisFact>();
        foreach (var condition in conditions)
        {
            if (ClinicalRecords.IsVoid(condition))
            {
                continue;
            }

            var verification = condition.VerificationStatus?.Coding?.FirstOrDefault()?.Code;

            var how = IcdCode(condition) is { } icd ? $"ICD-10-CM {icd}" : MatchesText(condition) ? "text" : null;
            if (how is null)
            {
                continue;
            }

            var text = condition.Code?.Text ?? condition.Code?.Coding?.Select(c => c.Display ?? c.Code).FirstOrDefault(d => d is not null) ?? "condition";
            var status = condition.ClinicalStatus?.Coding?.FirstOrDefault()?.Code;
            var source = $"Condition/{condition.Id ?? "(no id)"}, {how}" +
                (status is null ? string.Empty : $", {status}") +
                (verification is "provisional" or "differential" or "unconfirmed" ? $", {verification}" : string.Empty);
            found.Add(new DiagnosisFact(text, ClinicalRecords.When(condition), source));
        }

        return found.ToImmutable();
    }

    /// <summary>ICD-10-CM codes are read with or without the dot ("J70.2", "J702").</summary>
    private static string? IcdCode(Condition condition)
    {
        foreach (var code in ClinicalRecords.Codes(condition.Code, CodeSystems.Icd10Cm))
        {
            var plain = code.Replace(".", string.Empty, StringComparison.Ordinal);
            if (plain.StartsWith(MeasurementCodes.LungDiseaseIcd10Category, StringComparison.Ordinal) ||
                LungDiseaseIcd10Plain.Contains(plain))
            {
                return code;
            }
        }

        return null;
    }

    private static bool MatchesText(Condition condition) =>
        (condition.Code?.Text is { } text && Words().IsMatch(text)) ||
        (condition.Code?.Coding ?? []).Any(c => c.Display is { } d && Words().IsMatch(d));
}
