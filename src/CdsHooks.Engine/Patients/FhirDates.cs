using System.Globalization;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// FHIR date, dateTime and instant values as instants. Firely keeps them as the strings sent (partial dates such
/// as "2024" or "2024-05" are legal); a partial date means its start. A fast path for the two forms EHRs send nearly always: a UTC
/// dateTime to the second ("2025-11-03T10:15:00Z") and a full date ("2025-11-03"). Read digit by digit
/// they give exactly what the general parser gives (the instant in UTC, offset zero); every other form, and
/// any field out of range, goes to <see cref="ParseGeneral"/>, which stays the one definition. A year of history is
/// about a hundred dates per hook call, and the general parser costs over a hundred nanoseconds each.
/// </summary>
internal static class FhirDates
{
    private static readonly string[] PartialFormats = ["yyyy", "yyyy-MM", "yyyy-MM-dd"];

    public static DateTimeOffset? Parse(string? value) =>
        value is { Length: 10 or 20 } && TryParseCommon(value, out var instant) ? instant : ParseGeneral(value);

    /// <summary>When a choice of date types (effective[x], onset[x]) begins: the dateTime, or the period's start.</summary>
    public static DateTimeOffset? Start(DataType? value) => value switch
    {
        FhirDateTime dateTime => Parse(dateTime.Value),
        Period period => Parse(period.Start),
        Instant instant => instant.Value,
        Date date => Parse(date.Value),
        _ => null,
    };

    /// <summary>When a period ends; null for a point in time or an open period.</summary>
    public static DateTimeOffset? End(DataType? value) => value is Period period ? Parse(period.End) : null;

    internal static DateTimeOffset? ParseGeneral(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (value.Length <= 10 &&
            DateTime.TryParseExact(value, PartialFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return new DateTimeOffset(date, TimeSpan.Zero);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant)
            ? instant
            : null;
    }

    private static bool TryParseCommon(string s, out DateTimeOffset instant)
    {
        instant = default;
        if (!Number(s, 0, 4, out var year) || s[4] != '-' || !Number(s, 5, 2, out var month) || s[7] != '-' || !Number(s, 8, 2, out var day) ||
            year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        if (s.Length == 10)
        {
            instant = new DateTimeOffset(year, month, day, 0, 0, 0, TimeSpan.Zero);
            return true;
        }

        if (s[10] != 'T' || !Number(s, 11, 2, out var hour) || s[13] != ':' || !Number(s, 14, 2, out var minute) || s[16] != ':' ||
            !Number(s, 17, 2, out var second) || s[19] != 'Z' || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        instant = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        return true;
    }

    /// <summary>ASCII digits only: anything else is left to the general parser.</summary>
    private static bool Number(string s, int start, int length, out int value)
    {
        value = 0;
        for (var i = start; i < start + length; i++)
        {
            var digit = s[i] - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        return true;
    }
}
