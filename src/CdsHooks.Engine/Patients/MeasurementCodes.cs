using System.Collections.Frozen;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// One kind of measurement: the LOINC codes that report it and how its units are brought to one
/// unit. Codes from /work/shared/reference/clinical-facts.md §5.1 (evidence tag per code there).
/// </summary>
internal sealed record Analyte(string Name, FrozenSet<string> Loinc, Func<decimal, string, UnitValue?> Convert);

/// <summary>A value in the unit the engine compares in.</summary>
internal readonly record struct UnitValue(decimal Value, string Unit);

internal static class MeasurementCodes
{
    private static FrozenSet<string> Set(params string[] codes) => codes.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>29463-7 Body weight (V: FHIR core and US Core body weight profiles).</summary>
    public static readonly Analyte Weight = new("Body weight", Set("29463-7"), Units.ToKilograms);

    /// <summary>777-3 Platelets [#/volume] in Blood by Automated count (V).</summary>
    public static readonly Analyte Platelets = new("Platelets", Set("777-3"), Units.ToPerCubicMillimetre);

    /// <summary>ALT: 1742-6 (V) and the other members of the cqframework alt-lab-tests value set, 1743-4 and 76625-3.</summary>
    public static readonly Analyte Alt = new("ALT", Set("1742-6", "1743-4", "76625-3"), Units.ToUnitsPerLitre);

    /// <summary>AST: 1920-8 (V) and the ast-lab-tests value set members 30239-8 and 14409-7.</summary>
    public static readonly Analyte Ast = new("AST", Set("1920-8", "30239-8", "14409-7"), Units.ToUnitsPerLitre);

    /// <summary>Total bilirubin: 1975-2 (V) and the total-bilirubin value set members 42719-5 and 59828-4.</summary>
    public static readonly Analyte Bilirubin = new("Total bilirubin", Set("1975-2", "42719-5", "59828-4"), Units.Bilirubin);

    /// <summary>LVEF: 10230-1 (V), 18043-0 by ultrasound (V1), 8806-2 (U: display not found, accepted
    /// because EHRs send method-specific codes; clinical-facts.md §5.1 advises matching a value set).</summary>
    public static readonly Analyte Lvef = new("LVEF", Set("10230-1", "18043-0", "8806-2"), Units.ToPercent);

    /// <summary>
    /// ICD-10-CM codes read as interstitial lung disease or pneumonitis. Titles (ICD-10-CM 2026, seen on
    /// payerready.com and healthassure.in code pages and in public code tables):
    /// J84 "Other interstitial pulmonary diseases" (every code under it),
    /// J70.2 "Acute drug-induced interstitial lung disorders",
    /// J70.3 "Chronic drug-induced interstitial lung disorders",
    /// J70.4 "Drug-induced interstitial lung disorders, unspecified".
    /// J70.0/J70.1 (pulmonary manifestations due to radiation) are not listed: they are read through
    /// their text when it says pneumonitis.
    /// </summary>
    public static readonly FrozenSet<string> LungDiseaseIcd10Exact = Set("J70.2", "J70.3", "J70.4");

    public const string LungDiseaseIcd10Category = "J84";
}
