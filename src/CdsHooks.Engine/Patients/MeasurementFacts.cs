using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;
using CdsHooks.Fhir;

namespace CdsHooks.Engine.Patients;

/// <summary>Latest weight, platelets, ALT, AST, total bilirubin, LVEF (with baseline), and a history
/// of interstitial lung disease or pneumonitis.</summary>
/// <remarks>
/// <para>Which Observations count: status final, amended or corrected (FHIR R4 ObservationStatus: a
/// result, possibly revised), and preliminary, marked as such in the card: a low preliminary platelet
/// count before a T-DM1 dose must not be dropped. registered (no result yet), cancelled,
/// entered-in-error, unknown and a missing status are not used.</para>
/// <para>The value is valueQuantity (components and text values are not read); its date is
/// effectiveDateTime, else effectivePeriod.start, else issued. A value dated after "now" is a data
/// error and is not used. "Latest" is the latest dated value; an undated value is used only when no
/// value of that kind is dated. Recency windows (EngineOptions.RecentLabDays) are applied by the checks,
/// so that a card can say how old the latest value is rather than that there is none.</para>
/// <para>LVEF baseline: the EARLIEST LVEF on record dated before the latest one. The label compares
/// with the pre-treatment value; the service does not know when T-DM1 (or the anthracycline or
/// trastuzumab before it) started, and the earliest value is the best stand-in for "before
/// cardiotoxic therapy". It also gives the largest fall, so the choice errs towards holding a dose.</para>
/// </remarks>
internal static class MeasurementFacts
{
    private static readonly FrozenSet<string> Results =
        new[] { "final", "amended", "corrected", "preliminary" }.ToFrozenSet(StringComparer.Ordinal);

    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, DateTimeOffset now)
    {
        var problems = new List<string>();
        var observations = input.Data.Observations;
        var lvef = Series(observations, MeasurementCodes.Lvef, now, problems);
        var lungDisease = LungDiseaseHistory.Find(input.Data.Conditions);

        return facts with
        {
            Weight = Latest(Series(observations, MeasurementCodes.Weight, now, problems))?.Measurement(),
            Platelets = Latest(Series(observations, MeasurementCodes.Platelets, now, problems))?.Measurement(),
            Alt = Latest(Series(observations, MeasurementCodes.Alt, now, problems))?.Measurement(),
            Ast = Latest(Series(observations, MeasurementCodes.Ast, now, problems))?.Measurement(),
            Bilirubin = Latest(Series(observations, MeasurementCodes.Bilirubin, now, problems))?.Measurement(),
            Lvef = Latest(lvef)?.Measurement(),
            LvefBaseline = Baseline(lvef)?.Measurement(),
            LungDiseaseHistory = lungDisease,
            UnreadableMeasurements = [.. problems],
        };
    }

    /// <summary>A usable value, read; made a <see cref="Patients.Measurement"/> (with its reference-range ULN
    /// and source text) only if it is the latest or the baseline: a year of history has many values of each kind.</summary>
    internal sealed record Reading(Analyte Analyte, Observation Observation, string Loinc, string Status, Quantity Quantity, UnitValue Value, DateTimeOffset? Date)
    {
        public Measurement Measurement() =>
            new(Analyte.Name, Value.Value, Value.Unit, Date, UpperLimit(Observation, Analyte, Value), Source(Observation, Loinc, Status, Quantity));
    }

    /// <summary>The usable values of one kind: dated ones oldest first, then undated ones.</summary>
    internal static List<Reading> Series(IEnumerable<Observation> observations, Analyte analyte, DateTimeOffset now, List<string> problems)
    {
        var found = new List<Reading>();
        foreach (var observation in observations)
        {
            if (observation.Status is not { } status || !Results.Contains(status) ||
                LoincOf(observation, analyte) is not { } loinc ||
                observation.ValueQuantity is not { Value: { } raw } quantity)
            {
                continue;
            }

            var date = ClinicalRecords.When(observation);
            if (date > now)
            {
                problems.Add($"{analyte.Name} {Format(raw)} {UnitOf(quantity)} ({Source(observation, loinc, status, quantity)}) is dated in the future ({ClinicalRecords.Day(date)}): not used");
                continue;
            }

            if (Convert(analyte, raw, quantity) is not { } value)
            {
                problems.Add($"{analyte.Name} {Format(raw)} \"{UnitOf(quantity)}\" ({Source(observation, loinc, status, quantity)}, {ClinicalRecords.Day(date)}): unit not understood, not used");
                continue;
            }

            found.Add(new Reading(analyte, observation, loinc, status, quantity, value, date));
        }

        return InDateOrder(found) ? found : [.. found.Where(m => m.Date is not null).OrderBy(m => m.Date), .. found.Where(m => m.Date is null)];
    }

    /// <summary>Whether the values are already dated oldest first (as EHRs usually send them), so that
    /// the stable sort above would return them as they are.</summary>
    private static bool InDateOrder(List<Reading> found)
    {
        for (var i = 0; i < found.Count; i++)
        {
            if (found[i].Date is not { } date || (i > 0 && date < found[i - 1].Date!.Value))
            {
                return false;
            }
        }

        return true;
    }

    internal static Reading? Latest(List<Reading> series) =>
        series.LastOrDefault(m => m.Date is not null) ?? series.FirstOrDefault();

    internal static Reading? Baseline(List<Reading> series)
    {
        var latest = Latest(series);
        var earliest = series.FirstOrDefault(m => m.Date is not null);
        return latest?.Date is { } last && earliest?.Date is { } first && first < last ? earliest : null;
    }

    internal static string Format(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>The first LOINC coding of the analyte. Runs for every observation and every analyte: a loop, not LINQ.</summary>
    private static string? LoincOf(Observation observation, Analyte analyte)
    {
        var codings = observation.Code?.Coding ?? [];
        for (var i = 0; i < codings.Count; i++)
        {
            var code = codings[i].Code?.Trim(); // as receptor and condition codes: " 777-3" is still platelets
            if (code is not null && analyte.Loinc.Contains(code) && CodeSystems.Is(codings[i].System, CodeSystems.Loinc))
            {
                return code;
            }
        }

        return null;
    }

    private static string UnitOf(Quantity quantity) => quantity.Code ?? quantity.Unit ?? string.Empty;

    /// <summary>The UCUM code first, then the human-readable unit; no unit at all is read as "".</summary>
    private static UnitValue? Convert(Analyte analyte, decimal value, Quantity quantity)
    {
        if (quantity.Code is null && quantity.Unit is null)
        {
            return analyte.Convert(value, string.Empty);
        }

        return (quantity.Code is { } code ? analyte.Convert(value, code) : null)
            ?? (quantity.Unit is { } unit ? analyte.Convert(value, unit) : null);
    }

    /// <summary>referenceRange.high in the value's unit; a high without unit is in the value's unit.</summary>
    private static decimal? UpperLimit(Observation observation, Analyte analyte, UnitValue value)
    {
        Quantity? high = null;
        var ranges = observation.ReferenceRange ?? [];
        for (var i = 0; i < ranges.Count && high is null; i++)
        {
            high = ranges[i].High?.Value is null ? null : ranges[i].High;
        }

        if (high?.Value is not { } limit)
        {
            return null;
        }

        var converted = high.Code is null && high.Unit is null
            ? Convert(analyte, limit, observation.ValueQuantity!)
            : Convert(analyte, limit, high);
        return converted is { } c && c.Unit == value.Unit ? c.Value : null;
    }

    private static string Source(Observation observation, string loinc, string status, Quantity quantity)
    {
        var text = $"Observation/{observation.Id ?? "(no id)"}, LOINC {loinc}";
        if (quantity.Comparator is { } comparator)
        {
            text += $", reported as {comparator}{Format(quantity.Value ?? 0)}";
        }

        return status == "preliminary" ? text + ", preliminary result" : text;
    }
}
