using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CdsHooks.Engine.Cards;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// 200 with a JSON body, the same bytes as <c>TypedResults.Ok</c>, written in one piece with a Content-Length.
/// <c>Ok&lt;T&gt;</c> serializes asynchronously into the response pipe: resumable converters that check for a
/// flush after every property, and a chunked body. A hook answer is a few KB, so it is serialized synchronously
/// into a pooled buffer and sent in one write, as the framework floor of the load test sends its fixed answer.
/// The metadata is the source-generated context's own (<see cref="CdsJsonContext"/>), whose options allow the
/// generated fast path (<c>Ok&lt;T&gt;</c> goes through the application's options, whose encoder disables it);
/// the writer takes the encoder and layout of the application's JSON options, so values are escaped as before.
/// Property names are ASCII and need no escaping with either encoder. A hook answer is written by
/// <see cref="AnswerJson"/>, which gives the serializer's bytes for less CPU (a test compares them per fixture).
/// </summary>
public sealed class OkJson<TValue> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IContentTypeHttpResult
{
    private readonly JsonTypeInfo<TValue> _typeInfo;
    private readonly AnswerJson _answers;

    /// <param name="answers">The writer for the application's JSON options (the hook endpoint's, made at start-up).</param>
    internal OkJson(TValue value, JsonTypeInfo<TValue> typeInfo, AnswerJson answers)
    {
        Value = value;
        _typeInfo = typeInfo;
        _answers = answers;
    }

    public TValue Value { get; }

    object? IValueHttpResult.Value => Value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string ContentType => "application/json; charset=utf-8";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var body = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(body, _answers.Options))
        {
            // A hook answer goes through the hand-written writer (same bytes, less CPU: AnswerJson); anything else,
            // or an answer with other metadata than the generated context's, through the serializer.
            if (Value is CdsResponse answer && ReferenceEquals(_typeInfo, CdsJsonContext.Default.CdsResponse))
            {
                _answers.Write(writer, answer);
            }
            else
            {
                JsonSerializer.Serialize(writer, Value, _typeInfo);
            }
        }

        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        try
        {
            await response.Body.WriteAsync(body.WrittenMemory, httpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client went away (as WriteAsJsonAsync does): nobody reads the answer.
        }
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays from <see cref="ArrayPool{T}.Shared"/>; dispose to return them.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

    public int WrittenCount { get; private set; }

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, WrittenCount);

    /// <summary>What was written, to patch in place (the answer writer's resource scratch).</summary>
    public Span<byte> WrittenSpan => _buffer.AsSpan(0, WrittenCount);

    /// <summary>The array held now; a writer kept for reuse lets a large one go (dispose) rather than hold it.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Starts again at the beginning of the same array.</summary>
    public void Reset() => WrittenCount = 0;

    public void Advance(int count) => WrittenCount += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Reserve(int sizeHint)
    {
        if (_buffer.Length - WrittenCount >= Math.Max(sizeHint, 1))
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, WrittenCount + Math.Max(sizeHint, 1)));
        _buffer.AsSpan(0, WrittenCount).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
