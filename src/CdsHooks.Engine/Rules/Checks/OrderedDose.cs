using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace CdsHooks.Engine.Rules.Checks;

/// <summary>A structured dose on an order: its value and unit as written.</summary>
internal sealed record OrderedDose(decimal Value, string Unit, string Text);

/// <summary>A structured schedule: "every 3 weeks" and its length in days (for comparison only).</summary>
internal sealed record OrderedSchedule(decimal IntervalDays, string Text);

/// <summary>
/// Reads dose and schedule from a MedicationRequest's dosageInstruction. Only structured data is read
/// (doseAndRate[].doseQuantity, or the high end of doseRange; timing.repeat period, periodUnit and
/// frequency): free-text sigs are not parsed, a guess is worse than "not given".
/// </summary>
internal static class OrderedDoseReader
{
    public static List<OrderedDose> Doses(MedicationRequest order)
    {
        var doses = new List<OrderedDose>();
        foreach (var rate in order.DosageInstruction.SelectMany(d => d.DoseAndRate))
        {
            var quantity = rate.Dose as Quantity ?? (rate.Dose as Hl7.Fhir.Model.Range)?.High;
            if (quantity?.Value is { } value && (quantity.Code ?? quantity.Unit) is { } unit)
            {
                doses.Add(new OrderedDose(value, unit, $"{CheckSupport.Number(value)} {quantity.Unit ?? unit}"));
            }
            else if (quantity?.Value is { } bare)
            {
                doses.Add(new OrderedDose(bare, string.Empty, CheckSupport.Number(bare) + " (no unit)"));
            }
        }

        return doses;
    }

    public static List<OrderedSchedule> Schedules(MedicationRequest order)
    {
        var schedules = new List<OrderedSchedule>();
        foreach (var repeat in order.DosageInstruction.Select(d => d.Timing?.Repeat))
        {
            if (repeat?.Period is not { } period || period <= 0 || repeat.PeriodUnit?.GetLiteral() is not { } unit)
            {
                continue;
            }

            // Calendar units (mo, a) are approximated: only used to tell "not every 3 weeks".
            decimal? days = unit switch
            {
                "s" => period / 86400m,
                "min" => period / 1440m,
                "h" => period / 24m,
                "d" => period,
                "wk" => period * 7m,
                "mo" => period * 30m,
                "a" => period * 365m,
                _ => null,
            };
            if (days is null)
            {
                continue;
            }

            var frequency = repeat.Frequency is > 0 ? repeat.Frequency.Value : 1;
            var text = (frequency == 1 ? "every " : $"{frequency} times every ") + Describe(period, unit);
            schedules.Add(new OrderedSchedule(days.Value / frequency, text));
        }

        return schedules;
    }

    private static string Describe(decimal period, string unit)
    {
        var word = unit switch
        {
            "s" => "second",
            "min" => "minute",
            "h" => "hour",
            "d" => "day",
            "wk" => "week",
            "mo" => "month",
            _ => "year",
        };
        return period == 1 ? word : $"{CheckSupport.Number(period)} {word}s";
    }
}
