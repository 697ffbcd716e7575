using System.Net;
using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>Polls <c>GET /health/ready</c> for the tests that watch readiness change (warm-up, database, shutdown).</summary>
public static class ReadinessPoll
{
    /// <summary>Polls until it answers <paramref name="status"/> (default bound: 60 s); returns the body. A service
    /// still starting (connection refused) is polled again; the last answer is in the timeout's message.</summary>
    public static async Task<JsonNode> WaitForAsync(HttpClient client, HttpStatusCode status, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        var last = string.Empty;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == status)
                {
                    return JsonNode.Parse(body)!;
                }

                last = $"{(int)response.StatusCode} {body}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"/health/ready did not answer {(int)status} within {limit.TotalSeconds:F0} s; last answer: {last}");
    }
}
