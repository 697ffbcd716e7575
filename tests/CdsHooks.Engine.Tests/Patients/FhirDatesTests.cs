using CdsHooks.Engine.Patients;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Tests.Patients;

/// <summary>The fast path must give exactly what the general parser (FhirDates.ParseGeneral) gives, offset included (card text prints it).</summary>
public class FhirDatesTests
{
    [Theory]
    [InlineData("2025-11-03T10:15:00Z")]
    [InlineData("2025-11-03")]
    [InlineData("2024-02-29")]
    [InlineData("2024-02-29T23:59:59Z")]
    [InlineData("2025-02-29")]
    [InlineData("2025-02-29T10:00:00Z")]
    [InlineData("2025-13-01")]
    [InlineData("2025-00-10")]
    [InlineData("2025-01-00")]
    [InlineData("0000-01-01")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("2025-11-03T24:00:00Z")]
    [InlineData("2025-11-03T23:60:00Z")]
    [InlineData("2025-11-03T23:59:60Z")]
    [InlineData("2025-11-03T10:15:00+02:00")]
    [InlineData("2025-11-03T10:15:00.5Z")]
    [InlineData("2025-11-03 10:15:00Z")]
    [InlineData("2025-11-03T10:15:00z")]
    [InlineData("2025/11/03")]
    [InlineData(" 2025-11-03")]
    [InlineData("2025-11-0x")]
    [InlineData("２０２５-11-03")]
    [InlineData("2025")]
    [InlineData("2025-11")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void Parse_AnyText_SameAsFhirDate(string? value) => Same(value);

    [Fact]
    public void Parse_EveryDayOfFourYears_SameAsFhirDate()
    {
        for (var day = new DateTime(2023, 1, 1); day < new DateTime(2027, 1, 1); day = day.AddDays(1))
        {
            Same(day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            Same(day.AddSeconds(day.DayOfYear * 237).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void Same(string? value)
    {
        var expected = FhirDates.ParseGeneral(value);
        var actual = FhirDates.Parse(value);
        Assert.Equal(expected, actual);
        Assert.Equal(expected?.Offset, actual?.Offset);
        Assert.Equal(expected?.Ticks, actual?.Ticks);
    }
}
