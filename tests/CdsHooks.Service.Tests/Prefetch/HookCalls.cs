using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CdsHooks.Service.Tests.Infrastructure;

namespace CdsHooks.Service.Tests.Prefetch;

public sealed record HookAnswer(HttpStatusCode Status, JsonNode? Body, TimeSpan Elapsed, HttpResponseMessage Response)
{
    public JsonArray Cards => Body?["cards"]?.AsArray() ?? [];

    public string Details => string.Join("\n", Cards.Select(c => (string?)c?["detail"]));

    /// <summary>Cards of the T-DM1 + endocrine rule: the one these tests steer with the fetched history
    /// (a T-DM1 draft also gets the pre-dose labs card whenever no recent labs come back).</summary>
    public JsonNode?[] Combination => [.. Cards.Where(c => (string?)c?["extension"]?["regimen-check.rule-id"] == "tdm1-with-endocrine")];
}

/// <summary>Hook requests built from the fixtures, and a timed POST.</summary>
public static class HookCalls
{
    public const string OrderSign = "triple-positive-order-sign";

    /// <summary>p02: T-DM1 and letrozole drafted for pat-1, no prefetch, no fhirServer (order-sign).</summary>
    public static JsonObject TdmWithLetrozole(Uri? fhirServer = null, string? accessToken = null) =>
        WithServer(Fixture("p02-no-prefetch-at-all"), fhirServer, accessToken);

    /// <summary>s03: T-DM1 alone drafted for pat-1 (no card when the history holds nothing), prefetch removed.</summary>
    public static JsonObject TdmAlone(Uri? fhirServer = null, string? accessToken = null)
    {
        var body = Fixture("s03-tdm1-alone");
        body.Remove("prefetch");
        return WithServer(body, fhirServer, accessToken);
    }

    /// <summary>Letrozole alone drafted for pat-1: no rule can judge it without the patient's record.</summary>
    public static JsonObject LetrozoleAlone(Uri? fhirServer = null, string? accessToken = null)
    {
        var body = TdmAlone(fhirServer, accessToken);
        body["context"]!["draftOrders"]!["entry"]![0]!["resource"]!["medicationCodeableConcept"] = JsonNode.Parse(
            """{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"72965","display":"letrozole"}],"text":"letrozole 2.5 mg tablet"}""");
        return body;
    }

    public static JsonObject Fixture(string scenario) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "fhir-fixtures", scenario, "request.json")))!.AsObject();

    public static JsonObject WithServer(JsonObject body, Uri? fhirServer, string? accessToken)
    {
        if (fhirServer is not null)
        {
            body["fhirServer"] = fhirServer.AbsoluteUri.TrimEnd('/');
        }

        if (accessToken is not null)
        {
            body["fhirAuthorization"] = new JsonObject
            {
                ["access_token"] = accessToken,
                ["token_type"] = "Bearer",
                ["expires_in"] = 300,
                ["scope"] = "user/*.read",
                ["subject"] = "cds-service",
            };
        }

        return body;
    }

    /// <summary>Sets one prefetch key; a null <paramref name="value"/> is JSON null ("no data").</summary>
    public static JsonObject WithPrefetch(this JsonObject body, string key, string? value)
    {
        if (body["prefetch"] is not JsonObject prefetch)
        {
            body["prefetch"] = prefetch = new JsonObject();
        }

        prefetch[key] = value is null ? null : JsonNode.Parse(value);
        return body;
    }

    public static async Task<HookAnswer> PostAsync(HttpClient client, JsonObject body, string service = OrderSign, string? bearer = null)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/cds-services/{service}", UriKind.Relative)) { Content = content };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        var started = Stopwatch.GetTimestamp();
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new HookAnswer(response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), elapsed, response);
    }
}
