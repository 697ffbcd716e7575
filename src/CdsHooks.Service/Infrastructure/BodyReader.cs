using System.Buffers;

namespace CdsHooks.Service.Infrastructure;

/// <summary>A body in a pooled buffer (a hook request, a FHIR server's answer): a full-prefetch hook call is ~100 KB,
/// which as a plain array would land on the large object heap twice per call and drive full collections under load.
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

        RequestBody? body;
        try
        {
            body = await ReadToEndAsync(request.Body, request.ContentLength, limit, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The client hung up mid-body (load generators do at the end of a run): not a server error.
            return (null, new RequestError(ClientClosedRequest, Outcomes.Error("incomplete", "The client closed the request before sending the whole body")));
        }
        catch (BadHttpRequestException ex)
        {
            return (null, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge(limit)
                : RequestError.Invalid("$", "The request body could not be read: " + ex.Message));
        }

        if (body is null)
        {
            return (null, TooLarge(limit));
        }

        if (body.Length == 0)
        {
            body.Dispose();
            return (null, RequestError.Invalid("$", "The request body is empty; a JSON object is required"));
        }

        return (body, null);
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end into a pooled buffer, first sized by <paramref name="sizeHint"/>
    /// (a Content-Length). Null, with the buffer given back, when the stream holds more than <paramref name="limit"/>
    /// bytes; what the stream throws is thrown, the buffer given back too. The caller disposes what it gets.
    /// </summary>
    public static async Task<RequestBody?> ReadToEndAsync(Stream stream, long? sizeHint, long limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(sizeHint ?? 16 * 1024, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new RequestBody(buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static RequestError TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, Outcomes.Error("too-costly", $"The request body is larger than the limit of {limit} bytes"));
}
