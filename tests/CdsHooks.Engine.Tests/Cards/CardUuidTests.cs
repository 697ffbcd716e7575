using System.Text.RegularExpressions;
using CdsHooks.Engine.Cards;

namespace CdsHooks.Engine.Tests.Cards;

/// <summary>Card and suggestion uuids (src/CdsHooks.Engine/Cards/CardUuid.cs).</summary>
public sealed partial class CardUuidTests
{
    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Version4();

    [Fact]
    public void New_ManyCalls_Version4FormatAndAllDistinct()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 100_000; i++)
        {
            var uuid = CardUuid.New();
            Assert.Matches(Version4(), uuid);
            Assert.True(seen.Add(uuid), $"duplicate uuid {uuid} after {i} calls");
        }
    }

    [Fact]
    public void New_ParsedAsGuid_RoundTrips()
    {
        var uuid = CardUuid.New();
        Assert.Equal(uuid, Guid.Parse(uuid).ToString());
    }
}
