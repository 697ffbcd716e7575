using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

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
    /// <summary>FHIR R4 Observation.status values that are results (registered, cancelled, entered-in-error and
    /// unknown are not).</summary>
    private static readonly FrozenSet<ObservationStatus> Results =
        new[] { ObservationStatus.Final, ObservationStatus.Amended, ObservationStatus.Corrected, ObservationStatus.Preliminary }.ToFrozenSet();

    /// <summary>The analytes in the order their unreadable values are reported: LVEF, then weight,
    /// platelets, ALT, AST, total bilirubin (the order the cards have always listed them in).</summary>
    private static readonly Analyte[] Analytes =
    [
        MeasurementCodes.Lvef, MeasurementCodes.Weight, MeasurementCodes.Platelets,
        MeasurementCodes.Alt, MeasurementCodes.Ast, MeasurementCodes.Bilirubin,
    ];

    private const int LvefSlot = 0, WeightSlot = 1, PlateletsSlot = 2, AltSlot = 3, AstSlot = 4, BilirubinSlot = 5, AnalyteCount = 6;

    /// <summary>Each LOINC code to the slot of its analyte in <see cref="Analytes"/>; built once, and
    /// refuses to build if two analytes claim the same code or the slots do not fit the analytes.</summary>
    private static readonly FrozenDictionary<string, int> SlotByLoinc = Analytes.Length != AnalyteCount
        ? throw new InvalidOperationException($"{Analytes.Length} analytes for {AnalyteCount} slots")
        : Analytes
            .SelectMany((analyte, slot) => analyte.Loinc.Select(code => KeyValuePair.Create(code, slot)))
            .ToFrozenDictionary(StringComparer.Ordinal);

    public static PatientFacts Add(PatientFacts facts, EvaluationInput input, DateTimeOffset now)
    {
        // One pass over the observations; each analyte keeps only what the facts need (latest, earliest
        // and first undated value) and its problems, joined in the order of Analytes afterwards, so their
        // order does not depend on how the record interleaves the kinds. On the stack: nothing allocated
        // per value.
        var state = default(Slots);
        Span<Slot> slots = state;
        foreach (var observation in input.Data.Observations)
        {
            Read(observation, now, slots);
        }

        return facts with
        {
            Weight = slots[WeightSlot].Latest?.Measurement(),
            Platelets = slots[PlateletsSlot].Latest?.Measurement(),
            Alt = slots[AltSlot].Latest?.Measurement(),
            Ast = slots[AstSlot].Latest?.Measurement(),
            Bilirubin = slots[BilirubinSlot].Latest?.Measurement(),
            Lvef = slots[LvefSlot].Latest?.Measurement(),
            LvefBaseline = slots[LvefSlot].Baseline?.Measurement(),
            LungDiseaseHistory = LungDiseaseHistory.Find(input.Data.Conditions),
            UnreadableMeasurements = Joined(slots),
        };
    }

    /// <summary>One observation into every analyte it reports (usually one; an observation coded for two
    /// analytes counts for both, each with the first LOINC coding of that analyte).</summary>
    private static void Read(Observation observation, DateTimeOffset now, Span<Slot> slots)
    {
        if (observation.Status is not { } status || !Results.Contains(status) ||
            observation.Value is not Quantity { Value: { } raw } quantity ||
            observation.Code?.Coding is not { } codings)
        {
            return;
        }

        var seen = 0; // analytes of this observation already read, one bit per slot
        for (var i = 0; i < codings.Count; i++)
        {
            var code = codings[i].Code?.Trim(); // as receptor and condition codes: " 777-3" is still platelets
            if (code is null || !SlotByLoinc.TryGetValue(code, out var index) || (seen & (1 << index)) != 0 ||
                !CodeSystems.Is(codings[i].System, CodeSystems.Loinc))
            {
                continue;
            }

            seen |= 1 << index;
            ref var slot = ref slots[index];
            var analyte = Analytes[index];
            var date = ClinicalRecords.When(observation);
            if (date > now)
            {
                (slot.Problems ??= []).Add($"{analyte.Name} {Format(raw)} {UnitOf(quantity)} ({Source(observation, code, status, quantity)}) is dated in the future ({ClinicalRecords.Day(date)}): not used");
            }
            else if (Convert(analyte, raw, quantity) is not { } value)
            {
                (slot.Problems ??= []).Add($"{analyte.Name} {Format(raw)} \"{UnitOf(quantity)}\" ({Source(observation, code, status, quantity)}, {ClinicalRecords.Day(date)}): unit not understood, not used");
            }
            else
            {
                slot.Add(new Reading(analyte, observation, code, status, quantity, value, date));
            }
        }
    }

    private static ImmutableArray<string> Joined(Span<Slot> slots)
    {
        var count = 0;
        foreach (ref var slot in slots)
        {
            count += slot.Problems?.Count ?? 0;
        }

        if (count == 0)
        {
            return [];
        }

        var all = ImmutableArray.CreateBuilder<string>(count);
        foreach (ref var slot in slots)
        {
            if (slot.Problems is { } problems)
            {
                all.AddRange(problems);
            }
        }

        return all.MoveToImmutable();
    }

    /// <summary>A usable value, read; made a <see cref="Patients.Measurement"/> (with its reference-range ULN
    /// and source text) only if it is the latest or the baseline: a year of history has many values of each kind.</summary>
    internal readonly record struct Reading(Analyte Analyte, Observation Observation, string Loinc, ObservationStatus Status, Quantity Quantity, UnitValue Value, DateTimeOffset? Date)
    {
        public Measurement Measurement() =>
            new(Analyte.Name, Value.Value, Value.Unit, Date, UpperLimit(Observation, Analyte, Value), Source(Observation, Loinc, Status, Quantity));
    }

    /// <summary>
    /// What one analyte's values come to. The usable values in date order (dated ones oldest first, in
    /// record order when equal, then undated ones) need not be kept: "latest" is the last dated one of
    /// that order (the latest date, the last in record order among equals), else the first undated one;
    /// the baseline is the first dated one (the earliest date, the first among equals).
    /// </summary>
    internal struct Slot
    {
        private Reading? _latestDated;
        private Reading? _earliestDated;
        private Reading? _firstUndated;

        /// <summary>Unreadable values of this analyte, in record order.</summary>
        public List<string>? Problems;

        public readonly Reading? Latest => _latestDated ?? _firstUndated;

        /// <summary>The earliest value, when it is older than the latest one.</summary>
        public readonly Reading? Baseline =>
            _latestDated?.Date is { } last && _earliestDated?.Date is { } first && first < last ? _earliestDated : null;

        public void Add(Reading reading)
        {
            if (reading.Date is not { } date)
            {
                _firstUndated ??= reading;
                return;
            }

            if (_latestDated is not { Date: { } latest } || date >= latest)
            {
                _latestDated = reading;
            }

            if (_earliestDated is not { Date: { } earliest } || date < earliest)
            {
                _earliestDated = reading;
            }
        }
    }

    /// <summary>One <see cref="Slot"/> per analyte, as a local of <see cref="Add"/>.</summary>
    [InlineArray(AnalyteCount)]
    private struct Slots
    {
        private Slot _first;
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
        var ranges = observation.ReferenceRange;
        for (var i = 0; i < ranges.Count && high is null; i++)
        {
            high = ranges[i].High?.Value is null ? null : ranges[i].High;
        }

        if (high?.Value is not { } limit)
        {
            return null;
        }

        var converted = high.Code is null && high.Unit is null
            ? Convert(analyte, limit, (Quantity)observation.Value!)
            : Convert(analyte, limit, high);
        return converted is { } c && c.Unit == value.Unit ? c.Value : null;
    }

    private static string Source(Observation observation, string loinc, ObservationStatus status, Quantity quantity)
    {
        var text = $"Observation/{observation.Id ?? "(no id)"}, LOINC {loinc}";
        if (quantity.Comparator is { } comparator)
        {
            text += $", reported as {comparator.GetLiteral()}{Format(quantity.Value ?? 0)}";
        }

        return status == ObservationStatus.Preliminary ? text + ", preliminary result" : text;
    }
}
