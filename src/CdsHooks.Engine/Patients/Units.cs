using System.Collections.Frozen;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// Unit conversion for the measurements the checks read. Only conversions that follow from the
/// definition of the units are made (no clinical constants): 1 lb = 0.45359237 kg exactly
/// (international avoirdupois pound); 1 µL = 1 mm³, so 10^3/µL and 10^9/L are both 1,000/mm³;
/// 1 µkat = 60 U (1 U = 1 µmol/min). Bilirubin is NOT converted between mg/dL and µmol/L (that needs
/// a molar mass); each unit keeps its own upper limit. A unit not listed here is not guessed: the
/// value is reported as unreadable.
/// </summary>
/// <remarks>Unit strings are compared after trimming, lower-casing (UCUM is case-sensitive, but EHR
/// unit texts are not), dropping spaces, and reading µ/μ as u, ³ as 3, ^ and E as *.</remarks>
internal static class Units
{
    public const string Kg = "kg";
    public const string PerMm3 = "/mm³";
    public const string UnitsPerLitre = "U/L";
    public const string MgPerDl = "mg/dL";
    public const string MicromolPerLitre = "µmol/L";
    public const string Percent = "%";

    private const decimal KgPerPound = 0.45359237m;

    private static readonly FrozenDictionary<string, decimal> Weight = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["kg"] = 1m, ["g"] = 0.001m, ["[lb_av]"] = KgPerPound, ["lb"] = KgPerPound, ["lbs"] = KgPerPound,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, decimal> Count = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["/mm3"] = 1m, ["/ul"] = 1m, ["10*3/ul"] = 1000m, ["x10*3/ul"] = 1000m, ["10*3/mm3"] = 1000m, ["k/ul"] = 1000m,
        ["10*9/l"] = 1000m, ["x10*9/l"] = 1000m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, decimal> Enzyme = new Dictionary<string, decimal>(StringComparer.Ordinal)
    {
        ["u/l"] = 1m, ["iu/l"] = 1m, ["[iu]/l"] = 1m, ["units/l"] = 1m, ["ukat/l"] = 60m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static UnitValue? ToKilograms(decimal value, string unit) =>
        Weight.TryGetValue(Key(unit), out var f) ? new UnitValue(value * f, Kg) : null;

    public static UnitValue? ToPerCubicMillimetre(decimal value, string unit) =>
        Count.TryGetValue(Key(unit), out var f) ? new UnitValue(value * f, PerMm3) : null;

    public static UnitValue? ToUnitsPerLitre(decimal value, string unit) =>
        Enzyme.TryGetValue(Key(unit), out var f) ? new UnitValue(value * f, UnitsPerLitre) : null;

    public static UnitValue? Bilirubin(decimal value, string unit) => Key(unit) switch
    {
        "mg/dl" => new UnitValue(value, MgPerDl),
        "umol/l" => new UnitValue(value, MicromolPerLitre),
        _ => null,
    };

    /// <summary>LVEF in percent; a value without unit (or UCUM "1") of at most 1 is a fraction.</summary>
    public static UnitValue? ToPercent(decimal value, string unit) => Key(unit) switch
    {
        "%" => new UnitValue(value, Percent),
        "" or "1" or "{fraction}" when value <= 1m => new UnitValue(value * 100m, Percent),
        "" => new UnitValue(value, Percent),
        _ => null,
    };

    internal static string Key(string unit)
    {
        var key = unit.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal)
            .Replace('µ', 'u').Replace('μ', 'u').Replace('^', '*').Replace('³', '3');
        // "10E3/uL", "x10E9/L": E as the power sign
        return key.Replace("10e", "10*", StringComparison.Ordinal);
    }
}
