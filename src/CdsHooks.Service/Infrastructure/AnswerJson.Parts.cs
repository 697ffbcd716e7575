using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace CdsHooks.Service.Infrastructure;

internal sealed partial class AnswerJson
{
    /// <summary>JSON of each shared card part, by the part object. Weak keys: a knowledge reload drops the
    /// renderer and its parts, and their entries go with them. A part that is not shared (a card built outside
    /// the renderer) gets an entry that dies with it: correct, only not cheaper.</summary>
    private readonly ConditionalWeakTable<object, byte[]> _prepared = [];

    /// <summary>
    /// A shared part from its JSON made on first sight with these options. The parts are immutable records and
    /// lists that the renderer never changes after building them, so the bytes stay true for the object's life.
    /// </summary>
    private void WritePart<T>(Utf8JsonWriter writer, T part, JsonTypeInfo<T> typeInfo)
        where T : class =>
        writer.WriteRawValue(Prepared(part, typeInfo), skipInputValidation: true);

    /// <summary>The JSON of <paramref name="part"/> (of <paramref name="typeInfo"/>'s type), made on first sight.</summary>
    private byte[] Prepared(object part, JsonTypeInfo typeInfo)
    {
        if (!_prepared.TryGetValue(part, out var json))
        {
            var buffer = new ArrayBufferWriter<byte>(2048);
            using (var partWriter = new Utf8JsonWriter(buffer, Options))
            {
                JsonSerializer.Serialize(partWriter, part, typeInfo);
            }

            json = buffer.WrittenSpan.ToArray();
            _prepared.TryAdd(part, json); // a thread that lost the race wrote the same bytes
        }

        return json;
    }
}
