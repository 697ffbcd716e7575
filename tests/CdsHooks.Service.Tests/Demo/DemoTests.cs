using System.Net;
using System.Text.Json.Nodes;
using CdsHooks.Engine;
using CdsHooks.Service.Demo;
using CdsHooks.Service.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CdsHooks.Service.Tests.Demo;

public sealed class DemoTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "demo-patients");

    [Fact]
    public void Load_EveryDemoFixture_IsCopiedNextToTheBinaries()
    {
        Assert.All(DemoPatients.Fixtures, f => Assert.True(File.Exists(Path.Combine(Folder, f + ".json")), $"{f}.json missing: list it in CdsHooks.Service.csproj"));
        Assert.Equal(DemoPatients.Fixtures.Count(), DemoPatients.Load(Folder, DemoPatients.FixtureNow).Count);
    }

    [Fact]
    public void Load_TenDaysAfterTheFixtureClock_EveryDateMovesTenDays()
    {
        var asWritten = DemoPatients.Load(Folder, DemoPatients.FixtureNow).Single(p => p.Id == "low-platelets");
        var later = DemoPatients.Load(Folder, DemoPatients.FixtureNow.AddDays(10)).Single(p => p.Id == "low-platelets");

        var before = Dates(asWritten.Prefetch).ToList();
        var after = Dates(later.Prefetch).ToList();

        Assert.NotEmpty(before);
        Assert.Equal(before.Select(d => d.Day.AddDays(10)), after.Select(d => d.Day));
        Assert.Equal(before.Select(d => d.Time), after.Select(d => d.Time)); // times and zones kept
    }

    [Fact]
    public async Task Concepts_ListsEveryDrugTheServiceKnows_WithACode()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();
        var engine = factory.Services.GetRequiredService<CdsEngine>();

        var concepts = JsonNode.Parse(await client.GetStringAsync(new Uri("/demo/concepts.json", UriKind.Relative)))!.AsArray();

        Assert.Equal(engine.Knowledge.Concepts.Concepts.Count, concepts.Count);
        Assert.Contains(concepts, c => (string?)c!["id"] == "ado-trastuzumab-emtansine" && (string?)c["rxNorm"] == "1371041");
        Assert.All(concepts, c => Assert.True(c!["rxNorm"] is not null || c["atc"] is not null || c["brands"]!.AsArray().Count > 0, (string?)c["id"]));
    }

    [Fact]
    public async Task Page_InDevelopment_ServedWithoutAnyExternalReference()
    {
        using var factory = new CdsServiceFactory();
        using var client = factory.CreateClient();

        using var redirect = await client.GetAsync(new Uri("/demo", UriKind.Relative));
        var html = await client.GetStringAsync(new Uri("/demo/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, redirect.StatusCode); // followed to /demo/
        Assert.Contains("<label for=\"patient\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"http", html, StringComparison.OrdinalIgnoreCase);
    }

    private static IEnumerable<(DateOnly Day, string Time)> Dates(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Dates(p.Value)),
        JsonArray a => a.SelectMany(Dates),
        JsonValue v when v.TryGetValue<string>(out var s) && s.Length >= 10 && DateOnly.TryParseExact(s[..10], "yyyy-MM-dd", out var d) => [(d, s[10..])],
        _ => [],
    };
}
