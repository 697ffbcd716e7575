using System.Globalization;

namespace CdsHooks.Fhir;

/// <summary>
/// FHIR date/dateTime/instant values are kept as strings in the model (partial dates such as
/// "2024" or "2024-05" are legal). This turns them into instants; a partial date means its start.
/// </summary>
public static class FhirDate
{
    private static readonly string[] PartialFormats = ["yyyy", "yyyy-MM", "yyyy-MM-dd"];

    public static DateTimeOffset? Parse(string? value)
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
}
