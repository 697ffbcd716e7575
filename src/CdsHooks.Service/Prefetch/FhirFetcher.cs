using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CdsHooks.Service.Infrastructure;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CdsHooks.Service.Prefetch;

/// <summary>
/// The typed HttpClient that reads one page from a FHIR server, through its resilience pipeline (<see cref="FhirResilience"/>).
/// Sends <c>Authorization: Bearer {fhirAuthorization.access_token}</c> when the client gave one
/// (CDS Hooks 2.0 item 30); the token lives only in the outgoing header, never in a log or a result.
/// Redirects are not followed: an allowed server must not be able to send us elsewhere.
/// </summary>
/// <remarks>Every read is counted by outcome (<c>cds.fhir.reads</c>), the start-up warm-up's loopback reads included.</remarks>
internal sealed class FhirFetcher(HttpClient http, ServiceMetrics metrics) : IFhirFetcher
{
    public async Task<FetchResult> FetchAsync(Uri fhirServer, FhirAuthorization? authorization, string query, CancellationToken cancellationToken)
    {
        var (result, outcome) = await ReadAsync(fhirServer, authorization, query, cancellationToken).ConfigureAwait(false);
        metrics.FhirRead(outcome);
        return result;
    }

    private async Task<(FetchResult Result, string Outcome)> ReadAsync(Uri fhirServer, FhirAuthorization? authorization, string query, CancellationToken cancellationToken)
    {
        var url = Resolve(fhirServer, query);
        if (url is null)
        {
            return (new FetchResult.Failure("a next link points outside fhirServer and was not followed"), "invalid");
        }

        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        if (authorization is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", authorization.AccessToken);
        }

        try
        {
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && IsRead(query))
            {
                return (new FetchResult.Success(null, []), "ok"); // a read of a resource that does not exist: no data
            }

            if (!response.IsSuccessStatusCode)
            {
                var refused = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;
                return (new FetchResult.Failure(refused
                    ? $"the FHIR server refused access (HTTP {(int)response.StatusCode})"
                    : $"the FHIR server answered HTTP {(int)response.StatusCode}"), refused ? "refused" : "http_error");
            }

            // The content is already buffered (at most MaxResponseBytes, HttpClient's limit); it is copied once into a
            // pooled array and read with the same checked read as the hook request, one pass when the JSON is plain:
            // a server's holes (a null coding) never reach the engine.
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var body = await BodyReader.ReadToEndAsync(stream, response.Content.Headers.ContentLength, http.MaxResponseContentBufferSize, cancellationToken)
                    .ConfigureAwait(false);
                if (body is null)
                {
                    return (new FetchResult.Failure($"the FHIR server's answer is larger than {http.MaxResponseContentBufferSize} bytes"), "invalid");
                }

                var read = Read(body.Memory);
                return (read, read is FetchResult.Success ? "ok" : "invalid");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            metrics.FhirRead("timeout"); // the hook's deadline (or the caller, gone)
            throw; // the hook's deadline or the caller: the resolver decides what that means
        }
        catch (TimeoutRejectedException)
        {
            return (new FetchResult.Failure("the FHIR server did not answer in time"), "timeout");
        }
        catch (BrokenCircuitException)
        {
            return (new FetchResult.Failure("the FHIR server is failing (circuit open); not called"), "circuit_open");
        }
        catch (HttpRequestException ex)
        {
            return (new FetchResult.Failure("the FHIR server could not be reached: " + ex.HttpRequestError), "unreachable");
        }
        catch (TaskCanceledException)
        {
            return (new FetchResult.Failure("the FHIR server did not answer in time"), "timeout");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return (new FetchResult.Failure("the FHIR server's answer is not valid FHIR JSON"), "invalid");
        }
    }

    /// <summary>One page, read as a prefetch value is: records that cannot be read are left out and named.</summary>
    internal static FetchResult Read(ReadOnlyMemory<byte> body)
    {
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new FetchResult.Failure("the FHIR server's answer is not a FHIR resource");
        }

        var read = FhirResourceReader.Read(ref reader);
        return read.Resource is Hl7.Fhir.Model.OperationOutcome
            ? new FetchResult.Failure("the FHIR server answered with an OperationOutcome")
            : PrefetchValue.From(read) switch
            {
                PrefetchValue.Data data => new FetchResult.Success(data.Resource, data.Unreadable),
                PrefetchValue.ClientError error => new FetchResult.Failure(
                    "the FHIR server's answer is not valid FHIR JSON: " + error.Outcome.Issue.FirstOrDefault()?.Diagnostics),
                _ => new FetchResult.Failure("the FHIR server's answer is not a FHIR resource"),
            };
    }

    /// <summary>A relative query under the server's base, or an absolute link that lies under it.</summary>
    internal static Uri? Resolve(Uri fhirServer, string query)
    {
        var baseUri = fhirServer.AbsoluteUri.EndsWith('/') ? fhirServer : new Uri(fhirServer.AbsoluteUri + "/");
        if (!Uri.TryCreate(baseUri, query, out var url))
        {
            return null;
        }

        return FhirServerPolicy.IsUnder(url, fhirServer) ? url : null;
    }

    private static bool IsRead(string query) => !query.Contains('?', StringComparison.Ordinal) && !query.Contains("://", StringComparison.Ordinal);
}
