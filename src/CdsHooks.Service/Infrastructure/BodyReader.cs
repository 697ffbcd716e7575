using System.Buffers;
using CdsHooks.Fhir;
using CdsHooks.Service.Hooks;

namespace CdsHooks.Service.Infrastructure;

/// <summary>A request body in a pooled buffer: a full-prefetch hook call is ~100 KB, which as a plain
/// array would land on the large object heap twice per call and drive full collections under load.
/// Callers parse it into their own objects and dispose it; nothing may keep a reference to it.</summary>
public sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    internal RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(RequestBody))).AsMemory(0, Length);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>Reads a request body up to the configured limit; a larger body is a 413, not a crash.</summary>
public static class BodyReader
{
    /// <summary>Non-standard "client closed request" (nginx): the caller is gone, nobody reads the answer.</summary>
    public const int ClientClosedRequest = 499;

    public static async Task<(RequestBody? Body, RequestError? Error)> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        var length = 0;
        RequestError? error = null;
        try
        {
            while (error is null)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                error = length > limit ? TooLarge(limit) : null;
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client hung up mid-body (load generators do at the end of a run): not a server error.
            error = new RequestError(ClientClosedRequest, OperationOutcome.Error("incomplete", "The client closed the request before sending the whole body"));
        }
        catch (BadHttpRequestException ex)
        {
            error = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(limit)
                : RequestError.Invalid("$", "The request body could not be read: " + ex.Message);
        }

        error ??= length == 0 ? RequestError.Invalid("$", "The request body is empty; a JSON object is required") : null;
        if (error is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer); // the one place a failed read gives its buffer back
            return (null, error);
        }

        return (new RequestBody(buffer, length), null);
    }

    private static RequestError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, OperationOutcome.Error("too-costly", $"The request body is larger than the limit of {limit} bytes"));
}
