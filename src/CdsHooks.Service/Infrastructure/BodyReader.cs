using CdsHooks.Service.Hooks;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Infrastructure;

/// <summary>Reads a request body up to the configured limit; a larger body is a 413, not a crash.</summary>
public static class BodyReader
{
    public static async Task<(byte[]? Body, RequestError? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)Math.Min(length, limit) : 16 * 1024);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, TooLarge(limit));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, RequestError.Invalid("$", "The request body is empty; a JSON object is required"));
        }

        return (buffer.ToArray(), null);
    }

    private static RequestError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, OperationOutcome.Error("too-costly", $"The request body is larger than the limit of {limit} bytes"));
}
