using System.Buffers;
using System.Text.Json;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Infrastructure;

internal sealed partial class AnswerJson
{
    /// <summary>What the polymorphic <see cref="Resource"/> contract writes before a MedicationRequest's own
    /// members: its discriminator, first. ASCII, so the same bytes under any encoder.</summary>
    private static readonly byte[] MedicationRequestHead = "{\"resourceType\":\"MedicationRequest\""u8.ToArray();

    /// <summary>Per thread, so that writing a resource allocates nothing once the thread has written one.</summary>
    [ThreadStatic]
    private static ResourceScratch? t_scratch;

    /// <summary>
    /// A resource of an action, with the bytes of <c>JsonSerializer.Serialize(writer, resource, CdsJsonContext.Default.Resource)</c>.
    /// Through the polymorphic contract, the serializer takes its general, resumable path (and allocates its state
    /// for every resource); a MedicationRequest's own contract has the generated fast path. The polymorphic
    /// writer writes the discriminator and then exactly the derived type's members, so the MedicationRequest is
    /// written alone into a scratch buffer behind <see cref="MedicationRequestHead"/>, its opening brace turned
    /// into the comma that follows the discriminator, and copied in. Other resource types keep the serializer.
    /// </summary>
    private void WriteResource(Utf8JsonWriter writer, Resource resource)
    {
        if (resource is not MedicationRequest request)
        {
            JsonSerializer.Serialize(writer, resource, CdsJsonContext.Default.Resource);
            return;
        }

        var scratch = t_scratch;
        if (scratch is null || !ReferenceEquals(scratch.Owner, this))
        {
            t_scratch = scratch = new ResourceScratch(this);
        }

        var json = scratch.Write(request);
        writer.WriteRawValue(json, skipInputValidation: true);
        scratch.Release();
    }

    /// <summary>A pooled buffer and a writer with the owner's options, reused by one thread.</summary>
    private sealed class ResourceScratch(AnswerJson owner)
    {
        /// <summary>A buffer grown past this by an unusually large resource is given back, not kept.</summary>
        private const int KeepAtMost = 64 * 1024;

        private readonly Utf8JsonWriter _writer = new(Stream.Null, owner.Options); // pointed at the buffer on each Write
        private PooledBufferWriter _buffer = new();

        public AnswerJson Owner { get; } = owner;

        /// <summary>The request as the polymorphic contract writes it; valid until <see cref="Release"/>.</summary>
        public ReadOnlySpan<byte> Write(MedicationRequest request)
        {
            _buffer.Reset();
            _buffer.Write(MedicationRequestHead);
            _writer.Reset(_buffer);
            JsonSerializer.Serialize(_writer, request, CdsJsonContext.Default.MedicationRequest);
            _writer.Flush();

            var head = MedicationRequestHead.Length;
            var written = _buffer.WrittenSpan;
            if (written.Length == head + 2)
            {
                written[head] = (byte)'}'; // no members: {"resourceType":"MedicationRequest"}
                return written[..(head + 1)];
            }

            written[head] = (byte)','; // {"resourceType":"MedicationRequest","status":...}
            return written;
        }

        public void Release()
        {
            if (_buffer.Capacity > KeepAtMost)
            {
                _buffer.Dispose();
                _buffer = new PooledBufferWriter();
            }
        }
    }
}
