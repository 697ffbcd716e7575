using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CdsHooks.Service.Tests.Infrastructure;
using CdsHooks.Service.Tests.Prefetch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CdsHooks.Service.Tests.Hooks;

/// <summary>FHIR content no rule reads is tolerated, and said so: the Sandbox's single-object category and reasonCode
/// are named in the log (event 1005) while the call gets its cards; a request without them logs nothing of the kind.</summary>
public sealed class ToleratedFhirTests
{
    [Theory]
    [InlineData("q04-sandbox-request-as-sent", new[] { "MedicationRequest.category", "MedicationRequest.reasonCode" })]
    [InlineData("q01-sandbox-category-single-object", new[] { "MedicationRequest.category" })]
    [InlineData("r11-tdm1-active-statement-letrozole-selected", new string[0])]
    public async Task Post_ElementsNoRuleReads_NamedInTheLogAndAnswered(string fixture, string[] named)
    {
        var logs = new LogCapture();
        using var factory = new CdsServiceFactory(services: s => s.AddSingleton<ILoggerProvider>(logs));
        using var client = factory.CreateClient();
        var body = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "fhir-fixtures", fixture, "request.json"));
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync(new Uri("/cds-services/triple-positive-order-select", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("tdm1-with-endocrine", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tolerated = logs.Lines.Where(l => l.Contains("[1005]", StringComparison.Ordinal)).ToList();
        Assert.Equal(named.Length, tolerated.Count);
        foreach (var element in named)
        {
            Assert.Contains(tolerated, l => l.TrimEnd().EndsWith(", " + element, StringComparison.Ordinal));
        }
    }
}
