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

    /// <summary>A growable buffer and a writer with the owner's options, reused by one thread.</summary>
    private sealed class ResourceScratch : IBufferWriter<byte>
    {
        /// <summary>A buffer grown past this by an unusually large resource is not kept.</summary>
        private const int KeepAtMost = 64 * 1024;

        private readonly Utf8JsonWriter _writer;
        private byte[] _buffer = new byte[2048];
        private int _written;

        public ResourceScratch(AnswerJson owner)
        {
            Owner = owner;
            _writer = new Utf8JsonWriter(this, owner.Options);
        }

        public AnswerJson Owner { get; }

        /// <summary>The request as the polymorphic contract writes it; valid until <see cref="Release"/>.</summary>
        public ReadOnlySpan<byte> Write(MedicationRequest request)
        {
            _written = 0;
            MedicationRequestHead.CopyTo(GetSpan(MedicationRequestHead.Length));
            Advance(MedicationRequestHead.Length);
            _writer.Reset(this);
            JsonSerializer.Serialize(_writer, request, CdsJsonContext.Default.MedicationRequest);
            _writer.Flush();

            var head = MedicationRequestHead.Length;
            if (_written == head + 2)
            {
                _buffer[head] = (byte)'}'; // no members: {"resourceType":"MedicationRequest"}
                return _buffer.AsSpan(0, head + 1);
            }

            _buffer[head] = (byte)','; // {"resourceType":"MedicationRequest","status":...}
            return _buffer.AsSpan(0, _written);
        }

        public void Release()
        {
            if (_buffer.Length > KeepAtMost)
            {
                _buffer = new byte[2048];
            }

            _written = 0;
        }

        public void Advance(int count) => _written += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _buffer.AsMemory(_written);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Reserve(sizeHint);
            return _buffer.AsSpan(_written);
        }

        private void Reserve(int sizeHint)
        {
            var needed = _written + Math.Max(sizeHint, 1);
            if (needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, needed));
            }
        }
    }
}
