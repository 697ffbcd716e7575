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

    /// <summary>The analytes in the order their unreadable values are reported: LVEF, then weight,
    /// platelets, ALT, AST, total bilirubin (the order the cards have always listed them in).</summary>
    private static readonly Analyte[] Analytes =
    [
        MeasurementCodes.Lvef, MeasurementCodes.Weight, MeasurementCodes.Platelets,
        MeasurementCodes.Alt, MeasurementCodes.Ast, MeasurementCodes.Bilirubin,
    ];

    private const int LvefSlot = 0, WeightSlot = 1, PlateletsSlot = 2, AltSlot = 3, AstSlot = 4, BilirubinSlot = 5;

    /// <summary>Each LOINC code to the slot of its analyte in <see cref="Analytes"/>; built once, and
    /// refuses to build if two analytes claim the same code.</summary>
    private static readonly FrozenDictionary<string, int> SlotByLoinc = Analytes
        .SelectMany((analyte, slot) => analyte.Loinc.Select(code => KeyValuePair.Create(code, slot)))
        .ToFrozenDictionary(StringComparer.Ordinal);

    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, DateTimeOffset now)
    {
        // One pass over the observations fills every analyte's series; problems are kept per analyte
        // and joined in the order of Analytes, so their order does not depend on the record order of kinds.
        var series = new List<Reading>?[Analytes.Length];
        var problems = new List<string>?[Analytes.Length];
        foreach (var observation in input.Data.Observations)
        {
            Read(observation, now, series, problems);
        }

        var lvef = Sorted(series[LvefSlot]);
        return facts with
        {
            Weight = Latest(Sorted(series[WeightSlot]))?.Measurement(),
            Platelets = Latest(Sorted(series[PlateletsSlot]))?.Measurement(),
            Alt = Latest(Sorted(series[AltSlot]))?.Measurement(),
            Ast = Latest(Sorted(series[AstSlot]))?.Measurement(),
            Bilirubin = Latest(Sorted(series[BilirubinSlot]))?.Measurement(),
            Lvef = Latest(lvef)?.Measurement(),
            LvefBaseline = Baseline(lvef)?.Measurement(),
            LungDiseaseHistory = LungDiseaseHistory.Find(input.Data.Conditions),
            UnreadableMeasurements = Joined(problems),
        };
    }

    /// <summary>One observation into the series of every analyte it reports (usually one; an observation
    /// coded for two analytes counts for both, each with the first LOINC coding of that analyte).</summary>
    private static void Read(Observation observation, DateTimeOffset now, List<Reading>?[] series, List<string>?[] problems)
    {
        if (observation.Status is not { } status || !Results.Contains(status) ||
            observation.ValueQuantity is not { Value: { } raw } quantity ||
            observation.Code?.Coding is not { } codings)
        {
            return;
        }

        var seen = 0; // analytes of this observation already read, one bit per slot
        for (var i = 0; i < codings.Count; i++)
        {
            var code = codings[i].Code?.Trim(); // as receptor and condition codes: " 777-3" is still platelets
            if (code is null || !SlotByLoinc.TryGetValue(code, out var slot) || (seen & (1 << slot)) != 0 ||
                !CodeSystems.Is(codings[i].System, CodeSystems.Loinc))
            {
                continue;
            }

            seen |= 1 << slot;
            var analyte = Analytes[slot];
            var date = ClinicalRecords.When(observation);
            if (date > now)
            {
                (problems[slot] ??= []).Add($"{analyte.Name} {Format(raw)} {UnitOf(quantity)} ({Source(observation, code, status, quantity)}) is dated in the future ({ClinicalRecords.Day(date)}): not used");
            }
            else if (Convert(analyte, raw, quantity) is not { } value)
            {
                (problems[slot] ??= []).Add($"{analyte.Name} {Format(raw)} \"{UnitOf(quantity)}\" ({Source(observation, code, status, quantity)}, {ClinicalRecords.Day(date)}): unit not understood, not used");
            }
            else
            {
                (series[slot] ??= []).Add(new Reading(analyte, observation, code, status, quantity, value, date));
            }
        }
    }

    private static ImmutableArray<string> Joined(List<string>?[] problems)
    {
        var count = 0;
        foreach (var list in problems)
        {
            count += list?.Count ?? 0;
        }

        if (count == 0)
        {
            return [];
        }

        var all = ImmutableArray.CreateBuilder<string>(count);
        foreach (var list in problems)
        {
            if (list is not null)
            {
                all.AddRange(list);
            }
        }

        return all.MoveToImmutable();
    }

    /// <summary>A usable value, read; made a <see cref="Patients.Measurement"/> (with its reference-range ULN
    /// and source text) only if it is the latest or the baseline: a year of history has many values of each kind.</summary>
    internal sealed record Reading(Analyte Analyte, Observation Observation, string Loinc, string Status, Quantity Quantity, UnitValue Value, DateTimeOffset? Date)
    {
        public Measurement Measurement() =>
            new(Analyte.Name, Value.Value, Value.Unit, Date, UpperLimit(Observation, Analyte, Value), Source(Observation, Loinc, Status, Quantity));
    }

    /// <summary>The usable values of one kind: dated ones oldest first, then undated ones.</summary>
    private static List<Reading>? Sorted(List<Reading>? found) =>
        found is null || InDateOrder(found) ? found : [.. found.Where(m => m.Date is not null).OrderBy(m => m.Date), .. found.Where(m => m.Date is null)];

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

    /// <summary>The latest dated value, else the first undated one (the series is sorted as above).</summary>
    internal static Reading? Latest(List<Reading>? series)
    {
        if (series is null || series.Count == 0)
        {
            return null;
        }

        for (var i = series.Count - 1; i >= 0; i--)
        {
            if (series[i].Date is not null)
            {
                return series[i];
            }
        }

        return series[0];
    }

    /// <summary>The earliest dated value, when it is older than the latest one.</summary>
    internal static Reading? Baseline(List<Reading>? series)
    {
        var latest = Latest(series);
        var earliest = series is { Count: > 0 } && series[0].Date is not null ? series[0] : null;
        return latest?.Date is { } last && earliest?.Date is { } first && first < last ? earliest : null;
    }

    internal static string Format(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);

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
