using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace CdsHooks.Fhir;

/// <summary>
/// Reads FHIR R4 JSON into the model in one pass over the bytes, checking FHIR JSON's own rules
/// (<see cref="FhirJsonRules"/>) on the way. It is the fast path for well-formed input: it accepts only
/// what it is sure of and declines everything else by throwing <see cref="FhirReadDeclinedException"/>
/// (also for input that is valid but unusual: <c>resourceType</c> not first, an escaped property name, a
/// null inside an array, an OperationOutcome). The caller then reads the same bytes with
/// <see cref="FhirJson.ReadChecked"/>, which accepts or rejects with the path at fault. So for any input this
/// reader accepts, its result equals the checked reader's; a differential test over every fixture and
/// thousands of fuzzed requests holds it to that.
/// </summary>
/// <remarks>The reader must be over a single span (not a sequence): values are compared in place.</remarks>
public static class FhirStreamReader
{
    private delegate T ItemReader<out T>(ref Utf8JsonReader reader);

    /// <summary>Reads the resource whose <c>StartObject</c> is the current token; leaves the reader on its
    /// <c>EndObject</c>. Throws <see cref="FhirReadDeclinedException"/> (or <see cref="JsonException"/> for
    /// broken JSON) when the input is not one it is sure of.</summary>
    public static Resource ReadResource(ref Utf8JsonReader r) => ReadResource(ref r, entryUrls: true);

    /// <summary>One resource from UTF-8 JSON bytes, or null when this reader declines them (see above) or they
    /// hold more than one JSON value: the caller then parses them and uses <see cref="FhirJson.ReadChecked(JsonElement)"/>,
    /// which names the fault. Limits as <see cref="JsonDocument"/>'s defaults (depth 64, no comments).</summary>
    public static Resource? TryRead(ReadOnlyMemory<byte> json)
    {
        using var sharing = ShareRepeats(json);
        try
        {
            var r = new Utf8JsonReader(json.Span, new JsonReaderOptions { MaxDepth = 64 });
            if (!r.Read())
            {
                return null;
            }

            var resource = ReadResource(ref r);
            return r.Read() ? null : resource; // content after the resource: the parser says what is wrong
        }
        catch (Exception ex) when (ex is FhirReadDeclinedException or JsonException or InvalidOperationException)
        {
            return null; // declined, broken JSON, or a string that is not valid UTF-8
        }
    }

    /// <summary>As <see cref="ReadResource(ref Utf8JsonReader)"/>, except that the entries of a Bundle at the top
    /// keep no <c>fullUrl</c> (it is still checked). For callers that keep only the entries' resources, such as
    /// prefetch search results: a year of history carries a hundred absolute URLs, read and dropped at once.</summary>
    public static Resource ReadResourceWithoutEntryUrls(ref Utf8JsonReader r) => ReadResource(ref r, entryUrls: false);

    private static Resource ReadResource(ref Utf8JsonReader r, bool entryUrls)
    {
        Expect(ref r, JsonTokenType.StartObject);
        if (!NextProperty(ref r) || !r.ValueSpan.SequenceEqual("resourceType"u8))
        {
            Decline(); // FHIR allows resourceType anywhere; the checked reader handles that
        }

        r.Read();
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || r.ValueSpan.Length == 0)
        {
            Decline();
        }

        var type = r.ValueSpan;
        return type.Length switch
        {
            6 when type.SequenceEqual("Bundle"u8) => Bundle(ref r, entryUrls),
            7 when type.SequenceEqual("Patient"u8) => Patient(ref r),
            9 when type.SequenceEqual("Condition"u8) => Condition(ref r),
            10 when type.SequenceEqual("Medication"u8) => Medication(ref r),
            11 when type.SequenceEqual("Observation"u8) => Observation(ref r),
            16 when type.SequenceEqual("OperationOutcome"u8) => Decline<Resource>(),
            17 when type.SequenceEqual("MedicationRequest"u8) => MedicationRequest(ref r),
            19 when type.SequenceEqual("MedicationStatement"u8) => MedicationStatement(ref r),
            24 when type.SequenceEqual("MedicationAdministration"u8) => MedicationAdministration(ref r),
            _ when System.Text.Unicode.Utf8.IsValid(type) => OtherResource(ref r),
            _ => Decline<Resource>(), // the checked reader cannot read the type name either
        };
    }

    /// <summary>A string value (or null), never empty (FHIR strings are never empty).</summary>
    private static string? String(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.String || r.HasValueSequence || r.ValueSpan.Length == 0)
        {
            Decline();
        }

        return r.ValueIsEscaped || r.ValueSpan.Length > RecentStrings.MaxLength
            ? r.GetString()
            : (t_recent ??= new RecentStrings()).Get(ref r);
    }

    /// <summary>Checks a string value as <see cref="String"/> reads it, without making the string (always null).</summary>
    private static string? CheckString(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.String || r.HasValueSequence || r.ValueSpan.Length == 0)
        {
            Decline();
        }

        if (r.ValueIsEscaped)
        {
            _ = r.GetString(); // rare: unescaping checks what the string would hold
        }
        else if (!System.Text.Unicode.Utf8.IsValid(r.ValueSpan))
        {
            Decline(); // GetString would throw: the checked reader rejects it
        }

        return null;
    }

    [ThreadStatic]
    private static RecentStrings? t_recent;

    /// <summary>
    /// FHIR repeats short strings: a year of history sends the same patient reference, code systems, units
    /// and statuses hundreds of times. Each thread keeps the last string read per slot (slot chosen by a
    /// hash of the bytes), so a repeated value is compared instead of decoded and allocated again. A string
    /// is the same whichever way it comes (immutable, decoded from the same bytes); a miss costs one hash.
    /// Bounded: 256 slots of at most 128 bytes per thread (LOINC displays run past 70). A slot keeps its string
    /// (a patient reference, say) until another value takes it: no more exposed than any collectable string,
    /// but worth knowing in a review.
    /// </summary>
    private sealed class RecentStrings
    {
        public const int MaxLength = 128;
        private const int Slots = 256;
        private readonly byte[] _bytes = new byte[Slots * MaxLength];
        private readonly int[] _lengths = new int[Slots];
        private readonly string?[] _strings = new string?[Slots];

        public string Get(ref Utf8JsonReader r)
        {
            var utf8 = r.ValueSpan;
            var slot = (int)(Hash(utf8) & (Slots - 1));
            var stored = _bytes.AsSpan(slot * MaxLength, utf8.Length);
            if (_strings[slot] is { } known && _lengths[slot] == utf8.Length && stored.SequenceEqual(utf8))
            {
                return known;
            }

            var text = r.GetString()!; // throws for invalid UTF-8, as the checked reader does
            utf8.CopyTo(stored);
            _lengths[slot] = utf8.Length;
            _strings[slot] = text;
            return text;
        }

        internal static uint Hash(ReadOnlySpan<byte> utf8)
        {
            var h = (uint)utf8.Length * 2654435761u;
            if (utf8.Length >= 4)
            {
                h = (h ^ BinaryPrimitives.ReadUInt32LittleEndian(utf8)) * 0x85EBCA6Bu;
                h = (h ^ BinaryPrimitives.ReadUInt32LittleEndian(utf8[^4..])) * 0xC2B2AE35u;
                h ^= utf8.Length >= 12 ? BinaryPrimitives.ReadUInt32LittleEndian(utf8[(utf8.Length / 2 - 2)..]) : 0u;
            }
            else
            {
                foreach (var b in utf8)
                {
                    h = (h ^ b) * 16777619u;
                }
            }

            return h ^ (h >> 15) ^ (h >> 7);
        }
    }

    /// <summary>
    /// While the returned scope lives, a CodeableConcept or Reference whose JSON repeats, byte for byte, earlier in
    /// <paramref name="input"/> is not read again: the object read the first time is returned. A year of history
    /// repeats the same drug coding, the same patient reference, the same lab category dozens of times, and the
    /// model's records are immutable, so sharing them is invisible to readers (equal values either way). Identical
    /// bytes were checked the first time, and a read that declines leaves nothing behind: the scope is per input
    /// (the next one starts afresh), so nothing is shared between requests. Objects are only shared for a reader
    /// that is over <paramref name="input"/> itself (checked by address at every lookup); any other reader on the
    /// thread meanwhile reads as usual. Scopes nest; dispose in reverse order (<c>using</c>).
    /// </summary>
    public static SharingScope ShareRepeats(ReadOnlyMemory<byte> input) => new(t_repeats ??= new RepeatedObjects(), input);

    [ThreadStatic]
    private static RepeatedObjects? t_repeats;

    /// <summary>The scope of <see cref="ShareRepeats"/>; restores the enclosing one when disposed.</summary>
    public readonly struct SharingScope : IDisposable
    {
        private readonly RepeatedObjects? _table;
        private readonly ReadOnlyMemory<byte> _outerInput;
        private readonly long _outerGeneration;

        internal SharingScope(RepeatedObjects table, ReadOnlyMemory<byte> input)
        {
            _table = table;
            _outerInput = table.Input;
            _outerGeneration = table.Generation;
            table.Input = input;
            table.Generation = ++table.LastGeneration;
        }

        public void Dispose()
        {
            if (_table is { } table)
            {
                table.Input = _outerInput; // also drops the reference to the input (a pooled buffer, say)
                table.Generation = _outerGeneration;
            }
        }
    }

    /// <summary>Per thread: the current input and, per slot (by a hash of the bytes), the last object read there.</summary>
    internal sealed class RepeatedObjects
    {
        private const int Slots = 128;
        private const int MinLength = 24; // shorter JSON objects are cheaper to read than to look up
        private readonly object?[] _objects = new object?[Slots];
        private readonly int[] _starts = new int[Slots];
        private readonly int[] _lengths = new int[Slots];
        private readonly long[] _generations = new long[Slots]; // long: a number is never used twice on a thread

        public ReadOnlyMemory<byte> Input;
        public long Generation;
        public long LastGeneration;

        /// <summary>With the reader on the <c>StartObject</c> of an object: true and the object read earlier from the
        /// same bytes of this input (the reader then on its <c>EndObject</c>), or false and where to remember the
        /// object once read (<paramref name="slot"/> -1: not to be remembered).</summary>
        public bool TryGet<T>(ref Utf8JsonReader r, [NotNullWhen(true)] out T? shared, out int slot, out int start, out int length)
            where T : class
        {
            shared = null;
            slot = -1;
            start = (int)r.TokenStartIndex;
            length = 0;
            var input = Input.Span;
            if (Generation == 0 || r.HasValueSequence || start >= input.Length ||
                !Unsafe.AreSame(ref MemoryMarshal.GetReference(r.ValueSpan), ref Unsafe.Add(ref MemoryMarshal.GetReference(input), start)))
            {
                return false; // no scope, or this reader is not over the scope's input
            }

            var probe = r;
            probe.Skip(); // to the matching EndObject; broken JSON throws here as it would while reading
            length = (int)probe.BytesConsumed - start;
            if (length < MinLength)
            {
                return false;
            }

            var bytes = input.Slice(start, length);
            slot = (int)(RecentStrings.Hash(bytes) & (Slots - 1));
            if (_generations[slot] == Generation && _lengths[slot] == length && _objects[slot] is T known &&
                input.Slice(_starts[slot], length).SequenceEqual(bytes))
            {
                shared = known;
                r = probe;
                return true;
            }

            return false;
        }

        public void Remember(int slot, int start, int length, object value)
        {
            if (slot >= 0)
            {
                _objects[slot] = value;
                _starts[slot] = start;
                _lengths[slot] = length;
                _generations[slot] = Generation;
            }
        }
    }

    /// <summary>Moves to the next property name of the current object; false on its end. Declines an empty
    /// object (FHIR JSON objects are never empty) and an escaped name (names are compared in place).</summary>
    public static bool NextProperty(ref Utf8JsonReader r)
    {
        var first = r.TokenType == JsonTokenType.StartObject;
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
        {
            if (first)
            {
                Decline();
            }

            return false;
        }

        if (r.ValueIsEscaped || r.HasValueSequence)
        {
            Decline();
        }

        return true;
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Decline() => throw new FhirReadDeclinedException();

    [DoesNotReturn]
    public static T Decline<T>() => throw new FhirReadDeclinedException();

    private static void Expect(ref Utf8JsonReader r, JsonTokenType token)
    {
        if (r.TokenType != token)
        {
            Decline();
        }
    }

    /// <summary>A property the model does not keep: skipped, but FHIR's rules still hold inside it.</summary>
    private static void Other(ref Utf8JsonReader r, ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name[0] == (byte)'$' || name.SequenceEqual("resourceType"u8))
        {
            Decline(); // metadata-like names: leave them to the checked reader
        }

        SkipChecked(ref r);
    }

    private static void SkipChecked(ref Utf8JsonReader r)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.String when r.ValueSpan.Length == 0 || r.HasValueSequence:
                Decline();
                break;
            case JsonTokenType.StartObject:
                var empty = true;
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    empty = false;
                    r.Read();
                    SkipChecked(ref r);
                }

                if (empty)
                {
                    Decline();
                }

                break;
            case JsonTokenType.StartArray:
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    if (r.TokenType == JsonTokenType.Null)
                    {
                        Decline(); // allowed only beside a '_' array: the checked reader knows when
                    }

                    SkipChecked(ref r);
                }

                break;
        }
    }

    /// <summary>An array of objects, as an exact-size array: most FHIR arrays (coding, category, dosage) hold one
    /// item, and a list with its spare capacity would double what they cost. Items wait on the thread's
    /// <see cref="ItemStack"/> until the array's end gives the count, so a long array (a bundle's entries) costs no
    /// growing copies either.</summary>
    private static T[]? List<T>(ref Utf8JsonReader r, ItemReader<T?> item)
        where T : class
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        Expect(ref r, JsonTokenType.StartArray);
        var stack = t_items ??= new ItemStack();
        var start = stack.Top;
        try
        {
            while (r.Read() && r.TokenType != JsonTokenType.EndArray)
            {
                Expect(ref r, JsonTokenType.StartObject); // no null items, no primitives where objects belong
                stack.Push(item(ref r) ?? Decline<T>()); // nested arrays inside the item push above and pop back first
            }

            return stack.Top == start ? [] : stack.ToArray<T>(start);
        }
        finally
        {
            stack.PopTo(start); // also when declined or broken: the scratch stays usable and holds nothing
        }
    }

    [ThreadStatic]
    private static ItemStack? t_items;

    /// <summary>
    /// Per thread, the items of the arrays being read, innermost array on top: an array's items are pushed as they are
    /// read, then copied to an array of the exact size and popped. Slots are cleared when popped, so the scratch keeps no
    /// request's objects alive; it keeps its size up to <see cref="KeptSlots"/> (a larger one, after a huge array, is
    /// dropped once the outermost array is done).
    /// </summary>
    private sealed class ItemStack
    {
        private const int KeptSlots = 1024;
        private object?[] _items = new object?[64];

        public int Top { get; private set; }

        public void Push(object value)
        {
            if (Top == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Top++] = value;
        }

        public T[] ToArray<T>(int start)
        {
            var array = new T[Top - start];
            Array.Copy(_items, start, array, 0, array.Length);
            return array;
        }

        public void PopTo(int start)
        {
            if (Top > start)
            {
                Array.Clear(_items, start, Top - start);
                Top = start;
            }

            if (start == 0 && _items.Length > KeptSlots)
            {
                _items = new object?[64];
            }
        }
    }

    /// <summary>Starts an object value: false for null, declines anything but an object.</summary>
    private static bool BeginObject(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return false;
        }

        Expect(ref r, JsonTokenType.StartObject);
        return true;
    }

    private static int? Int(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when r.TryGetInt32(out var value) => value,
        _ => Decline<int?>(),
    };

    private static decimal? Decimal(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when r.TryGetDecimal(out var value) => value,
        _ => Decline<decimal?>(),
    };

    private static bool? Bool(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => Decline<bool?>(),
    };

    // ---- resources -------------------------------------------------------------------------------------

    private static Resource OtherResource(ref Utf8JsonReader r)
    {
        string? id = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Resource { Id = id };
    }

    private static Bundle Bundle(ref Utf8JsonReader r, bool entryUrls)
    {
        string? id = null, type = null;
        int? total = null;
        BundleLink[]? link = null;
        BundleEntry[]? entry = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("entry"u8)) { entry = entryUrls ? List(ref r, BundleEntry) : List(ref r, BundleEntryWithoutUrl); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("type"u8)) { type = String(ref r); }
            else if (name.SequenceEqual("total"u8)) { total = Int(ref r); }
            else if (name.SequenceEqual("link"u8)) { link = List(ref r, BundleLink); }
            else { Other(ref r, name); }
        }

        return new Bundle { Id = id, Type = type, Total = total, Link = link, Entry = entry };
    }

    private static BundleLink BundleLink(ref Utf8JsonReader r)
    {
        string? relation = null, url = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("relation"u8)) { relation = String(ref r); }
            else if (name.SequenceEqual("url"u8)) { url = String(ref r); }
            else { Other(ref r, name); }
        }

        return new BundleLink { Relation = relation, Url = url };
    }

    private static BundleEntry BundleEntry(ref Utf8JsonReader r) => BundleEntry(ref r, keepUrl: true);

    private static BundleEntry BundleEntryWithoutUrl(ref Utf8JsonReader r) => BundleEntry(ref r, keepUrl: false);

    private static BundleEntry BundleEntry(ref Utf8JsonReader r, bool keepUrl)
    {
        string? fullUrl = null;
        Resource? resource = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("resource"u8)) { resource = r.TokenType == JsonTokenType.Null ? null : ReadResource(ref r); }
            else if (name.SequenceEqual("fullUrl"u8)) { fullUrl = keepUrl ? String(ref r) : CheckString(ref r); }
            else { Other(ref r, name); }
        }

        return new BundleEntry { FullUrl = fullUrl, Resource = resource };
    }

    private static MedicationRequest MedicationRequest(ref Utf8JsonReader r)
    {
        string? id = null, status = null, intent = null, authoredOn = null;
        Resource[]? contained = null;
        CodeableConcept? statusReason = null, medication = null;
        CodeableConcept[]? category = null;
        Reference? medicationReference = null, subject = null, encounter = null, requester = null;
        Dosage[]? dosage = null;
        Annotation[]? note = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("medicationCodeableConcept"u8)) { medication = CodeableConcept(ref r); }
            else if (name.SequenceEqual("status"u8)) { status = String(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("subject"u8)) { subject = Reference(ref r); }
            else if (name.SequenceEqual("authoredOn"u8)) { authoredOn = String(ref r); }
            else if (name.SequenceEqual("dosageInstruction"u8)) { dosage = List(ref r, Dosage); }
            else if (name.SequenceEqual("intent"u8)) { intent = String(ref r); }
            else if (name.SequenceEqual("medicationReference"u8)) { medicationReference = Reference(ref r); }
            else if (name.SequenceEqual("statusReason"u8)) { statusReason = CodeableConcept(ref r); }
            else if (name.SequenceEqual("category"u8)) { category = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("encounter"u8)) { encounter = Reference(ref r); }
            else if (name.SequenceEqual("requester"u8)) { requester = Reference(ref r); }
            else if (name.SequenceEqual("contained"u8)) { contained = List<Resource>(ref r, ReadResource); }
            else if (name.SequenceEqual("note"u8)) { note = List(ref r, Annotation); }
            else { Other(ref r, name); }
        }

        return new MedicationRequest
        {
            Id = id,
            Contained = contained,
            Status = status,
            StatusReason = statusReason,
            Intent = intent,
            Category = category,
            MedicationCodeableConcept = medication,
            MedicationReference = medicationReference,
            Subject = subject,
            Encounter = encounter,
            AuthoredOn = authoredOn,
            Requester = requester,
            DosageInstruction = dosage,
            Note = note,
        };
    }

    private static Medication Medication(ref Utf8JsonReader r)
    {
        string? id = null;
        CodeableConcept? code = null;
        MedicationIngredient[]? ingredient = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("code"u8)) { code = CodeableConcept(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("ingredient"u8)) { ingredient = List(ref r, MedicationIngredient); }
            else { Other(ref r, name); }
        }

        return new Medication { Id = id, Code = code, Ingredient = ingredient };
    }

    private static MedicationIngredient MedicationIngredient(ref Utf8JsonReader r)
    {
        CodeableConcept? item = null;
        Reference? itemReference = null;
        bool? isActive = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("itemCodeableConcept"u8)) { item = CodeableConcept(ref r); }
            else if (name.SequenceEqual("itemReference"u8)) { itemReference = Reference(ref r); }
            else if (name.SequenceEqual("isActive"u8)) { isActive = Bool(ref r); }
            else { Other(ref r, name); }
        }

        return new MedicationIngredient { ItemCodeableConcept = item, ItemReference = itemReference, IsActive = isActive };
    }

    private static MedicationStatement MedicationStatement(ref Utf8JsonReader r)
    {
        string? id = null, status = null, effectiveDateTime = null, dateAsserted = null;
        Resource[]? contained = null;
        CodeableConcept[]? statusReason = null;
        CodeableConcept? medication = null;
        Reference? medicationReference = null, subject = null;
        Period? effectivePeriod = null;
        Dosage[]? dosage = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("medicationCodeableConcept"u8)) { medication = CodeableConcept(ref r); }
            else if (name.SequenceEqual("status"u8)) { status = String(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("subject"u8)) { subject = Reference(ref r); }
            else if (name.SequenceEqual("effectiveDateTime"u8)) { effectiveDateTime = String(ref r); }
            else if (name.SequenceEqual("effectivePeriod"u8)) { effectivePeriod = Period(ref r); }
            else if (name.SequenceEqual("dateAsserted"u8)) { dateAsserted = String(ref r); }
            else if (name.SequenceEqual("dosage"u8)) { dosage = List(ref r, Dosage); }
            else if (name.SequenceEqual("medicationReference"u8)) { medicationReference = Reference(ref r); }
            else if (name.SequenceEqual("statusReason"u8)) { statusReason = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("contained"u8)) { contained = List<Resource>(ref r, ReadResource); }
            else { Other(ref r, name); }
        }

        return new MedicationStatement
        {
            Id = id,
            Contained = contained,
            Status = status,
            StatusReason = statusReason,
            MedicationCodeableConcept = medication,
            MedicationReference = medicationReference,
            Subject = subject,
            EffectiveDateTime = effectiveDateTime,
            EffectivePeriod = effectivePeriod,
            DateAsserted = dateAsserted,
            Dosage = dosage,
        };
    }

    private static MedicationAdministration MedicationAdministration(ref Utf8JsonReader r)
    {
        string? id = null, status = null, effectiveDateTime = null;
        Resource[]? contained = null;
        CodeableConcept? medication = null;
        Reference? medicationReference = null, subject = null;
        Period? effectivePeriod = null;
        AdministrationDosage? dosage = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("medicationCodeableConcept"u8)) { medication = CodeableConcept(ref r); }
            else if (name.SequenceEqual("status"u8)) { status = String(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("subject"u8)) { subject = Reference(ref r); }
            else if (name.SequenceEqual("effectiveDateTime"u8)) { effectiveDateTime = String(ref r); }
            else if (name.SequenceEqual("effectivePeriod"u8)) { effectivePeriod = Period(ref r); }
            else if (name.SequenceEqual("dosage"u8)) { dosage = AdministrationDosage(ref r); }
            else if (name.SequenceEqual("medicationReference"u8)) { medicationReference = Reference(ref r); }
            else if (name.SequenceEqual("contained"u8)) { contained = List<Resource>(ref r, ReadResource); }
            else { Other(ref r, name); }
        }

        return new MedicationAdministration
        {
            Id = id,
            Contained = contained,
            Status = status,
            MedicationCodeableConcept = medication,
            MedicationReference = medicationReference,
            Subject = subject,
            EffectiveDateTime = effectiveDateTime,
            EffectivePeriod = effectivePeriod,
            Dosage = dosage,
        };
    }

    private static AdministrationDosage? AdministrationDosage(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        string? text = null;
        Quantity? dose = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else if (name.SequenceEqual("dose"u8)) { dose = Quantity(ref r); }
            else { Other(ref r, name); }
        }

        return new AdministrationDosage { Text = text, Dose = dose };
    }

    private static Patient Patient(ref Utf8JsonReader r)
    {
        string? id = null, gender = null, birthDate = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("gender"u8)) { gender = String(ref r); }
            else if (name.SequenceEqual("birthDate"u8)) { birthDate = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Patient { Id = id, Gender = gender, BirthDate = birthDate };
    }

    private static Condition Condition(ref Utf8JsonReader r)
    {
        string? id = null, onsetDateTime = null, abatementDateTime = null, recordedDate = null;
        CodeableConcept? clinicalStatus = null, verificationStatus = null, code = null;
        CodeableConcept[]? category = null, bodySite = null;
        Reference? subject = null;
        Period? onsetPeriod = null;
        ConditionStage[]? stage = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("code"u8)) { code = CodeableConcept(ref r); }
            else if (name.SequenceEqual("clinicalStatus"u8)) { clinicalStatus = CodeableConcept(ref r); }
            else if (name.SequenceEqual("verificationStatus"u8)) { verificationStatus = CodeableConcept(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("subject"u8)) { subject = Reference(ref r); }
            else if (name.SequenceEqual("category"u8)) { category = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("onsetDateTime"u8)) { onsetDateTime = String(ref r); }
            else if (name.SequenceEqual("recordedDate"u8)) { recordedDate = String(ref r); }
            else if (name.SequenceEqual("bodySite"u8)) { bodySite = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("onsetPeriod"u8)) { onsetPeriod = Period(ref r); }
            else if (name.SequenceEqual("abatementDateTime"u8)) { abatementDateTime = String(ref r); }
            else if (name.SequenceEqual("stage"u8)) { stage = List(ref r, ConditionStage); }
            else { Other(ref r, name); }
        }

        return new Condition
        {
            Id = id,
            ClinicalStatus = clinicalStatus,
            VerificationStatus = verificationStatus,
            Category = category,
            Code = code,
            BodySite = bodySite,
            Subject = subject,
            OnsetDateTime = onsetDateTime,
            OnsetPeriod = onsetPeriod,
            AbatementDateTime = abatementDateTime,
            RecordedDate = recordedDate,
            Stage = stage,
        };
    }

    private static ConditionStage ConditionStage(ref Utf8JsonReader r)
    {
        CodeableConcept? summary = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("summary"u8)) { summary = CodeableConcept(ref r); }
            else { Other(ref r, name); }
        }

        return new ConditionStage { Summary = summary };
    }

    private static Observation Observation(ref Utf8JsonReader r)
    {
        string? id = null, status = null, effectiveDateTime = null, issued = null, valueString = null;
        CodeableConcept[]? category = null, interpretation = null;
        CodeableConcept? code = null, valueCodeableConcept = null;
        Reference? subject = null;
        Period? effectivePeriod = null;
        Quantity? valueQuantity = null;
        bool? valueBoolean = null;
        ObservationReferenceRange[]? referenceRange = null;
        ObservationComponent[]? component = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("code"u8)) { code = CodeableConcept(ref r); }
            else if (name.SequenceEqual("valueQuantity"u8)) { valueQuantity = Quantity(ref r); }
            else if (name.SequenceEqual("status"u8)) { status = String(ref r); }
            else if (name.SequenceEqual("id"u8)) { id = String(ref r); }
            else if (name.SequenceEqual("subject"u8)) { subject = Reference(ref r); }
            else if (name.SequenceEqual("effectiveDateTime"u8)) { effectiveDateTime = String(ref r); }
            else if (name.SequenceEqual("category"u8)) { category = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("valueCodeableConcept"u8)) { valueCodeableConcept = CodeableConcept(ref r); }
            else if (name.SequenceEqual("referenceRange"u8)) { referenceRange = List(ref r, ObservationReferenceRange); }
            else if (name.SequenceEqual("issued"u8)) { issued = String(ref r); }
            else if (name.SequenceEqual("effectivePeriod"u8)) { effectivePeriod = Period(ref r); }
            else if (name.SequenceEqual("valueString"u8)) { valueString = String(ref r); }
            else if (name.SequenceEqual("valueBoolean"u8)) { valueBoolean = Bool(ref r); }
            else if (name.SequenceEqual("interpretation"u8)) { interpretation = List(ref r, CodeableConcept); }
            else if (name.SequenceEqual("component"u8)) { component = List(ref r, ObservationComponent); }
            else { Other(ref r, name); }
        }

        return new Observation
        {
            Id = id,
            Status = status,
            Category = category,
            Code = code,
            Subject = subject,
            EffectiveDateTime = effectiveDateTime,
            EffectivePeriod = effectivePeriod,
            Issued = issued,
            ValueQuantity = valueQuantity,
            ValueCodeableConcept = valueCodeableConcept,
            ValueString = valueString,
            ValueBoolean = valueBoolean,
            Interpretation = interpretation,
            ReferenceRange = referenceRange,
            Component = component,
        };
    }

    private static ObservationReferenceRange ObservationReferenceRange(ref Utf8JsonReader r)
    {
        Quantity? low = null, high = null;
        string? text = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("low"u8)) { low = Quantity(ref r); }
            else if (name.SequenceEqual("high"u8)) { high = Quantity(ref r); }
            else if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else { Other(ref r, name); }
        }

        return new ObservationReferenceRange { Low = low, High = high, Text = text };
    }

    private static ObservationComponent ObservationComponent(ref Utf8JsonReader r)
    {
        CodeableConcept? code = null, valueCodeableConcept = null;
        Quantity? valueQuantity = null;
        string? valueString = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("code"u8)) { code = CodeableConcept(ref r); }
            else if (name.SequenceEqual("valueQuantity"u8)) { valueQuantity = Quantity(ref r); }
            else if (name.SequenceEqual("valueCodeableConcept"u8)) { valueCodeableConcept = CodeableConcept(ref r); }
            else if (name.SequenceEqual("valueString"u8)) { valueString = String(ref r); }
            else { Other(ref r, name); }
        }

        return new ObservationComponent { Code = code, ValueQuantity = valueQuantity, ValueCodeableConcept = valueCodeableConcept, ValueString = valueString };
    }

    // ---- datatypes -------------------------------------------------------------------------------------

    private static Coding Coding(ref Utf8JsonReader r)
    {
        string? system = null, version = null, code = null, display = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("system"u8)) { system = String(ref r); }
            else if (name.SequenceEqual("code"u8)) { code = String(ref r); }
            else if (name.SequenceEqual("display"u8)) { display = String(ref r); }
            else if (name.SequenceEqual("version"u8)) { version = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Coding { System = system, Version = version, Code = code, Display = display };
    }

    private static CodeableConcept? CodeableConcept(ref Utf8JsonReader r) =>
        BeginObject(ref r) ? Shared<CodeableConcept>(ref r, CodeableConceptBody) : null;

    /// <summary>
    /// The object at the reader (on its <c>StartObject</c>) read by <paramref name="body"/>, or, inside a
    /// <see cref="ShareRepeats"/> scope, the one read earlier from the same bytes (the reader then on its
    /// <c>EndObject</c>). What the body reads is remembered for the repeats that follow; a null is not.
    /// </summary>
    private static T? Shared<T>(ref Utf8JsonReader r, ItemReader<T?> body)
        where T : class
    {
        var repeats = t_repeats;
        var slot = -1;
        var (start, length) = (0, 0);
        if (repeats is not null && repeats.TryGet<T>(ref r, out var shared, out slot, out start, out length))
        {
            return shared;
        }

        var read = body(ref r);
        if (read is not null)
        {
            repeats?.Remember(slot, start, length, read);
        }

        return read;
    }

    private static CodeableConcept CodeableConceptBody(ref Utf8JsonReader r)
    {
        Coding[]? coding = null;
        string? text = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("coding"u8)) { coding = List(ref r, Coding); }
            else if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else { Other(ref r, name); }
        }

        return new CodeableConcept { Coding = coding, Text = text };
    }

    /// <summary>As <see cref="ReferenceConverter"/>: neither reference nor display reads as absent.</summary>
    private static Reference? Reference(ref Utf8JsonReader r) =>
        BeginObject(ref r) ? Shared<Reference>(ref r, ReferenceBody) : null;

    private static Reference? ReferenceBody(ref Utf8JsonReader r)
    {
        string? reference = null, display = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("reference"u8)) { reference = String(ref r); }
            else if (name.SequenceEqual("display"u8)) { display = String(ref r); }
            else { Other(ref r, name); }
        }

        return reference is null && display is null ? null : new Reference { ReferenceValue = reference, Display = display };
    }

    private static Quantity? Quantity(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        decimal? value = null;
        string? comparator = null, unit = null, system = null, code = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("value"u8)) { value = Decimal(ref r); }
            else if (name.SequenceEqual("unit"u8)) { unit = String(ref r); }
            else if (name.SequenceEqual("system"u8)) { system = String(ref r); }
            else if (name.SequenceEqual("code"u8)) { code = String(ref r); }
            else if (name.SequenceEqual("comparator"u8)) { comparator = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Quantity { Value = value, Comparator = comparator, Unit = unit, System = system, Code = code };
    }

    private static Period? Period(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        string? start = null, end = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("start"u8)) { start = String(ref r); }
            else if (name.SequenceEqual("end"u8)) { end = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Period { Start = start, End = end };
    }

    private static Range? Range(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        Quantity? low = null, high = null;
        string? text = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("low"u8)) { low = Quantity(ref r); }
            else if (name.SequenceEqual("high"u8)) { high = Quantity(ref r); }
            else if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Range { Low = low, High = high, Text = text };
    }

    private static Timing? Timing(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        TimingRepeat? repeat = null;
        CodeableConcept? code = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("repeat"u8)) { repeat = TimingRepeat(ref r); }
            else if (name.SequenceEqual("code"u8)) { code = CodeableConcept(ref r); }
            else { Other(ref r, name); }
        }

        return new Timing { Repeat = repeat, Code = code };
    }

    private static TimingRepeat? TimingRepeat(ref Utf8JsonReader r)
    {
        if (!BeginObject(ref r))
        {
            return null;
        }

        Period? boundsPeriod = null;
        int? count = null, frequency = null;
        decimal? period = null;
        string? periodUnit = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("frequency"u8)) { frequency = Int(ref r); }
            else if (name.SequenceEqual("period"u8)) { period = Decimal(ref r); }
            else if (name.SequenceEqual("periodUnit"u8)) { periodUnit = String(ref r); }
            else if (name.SequenceEqual("count"u8)) { count = Int(ref r); }
            else if (name.SequenceEqual("boundsPeriod"u8)) { boundsPeriod = Period(ref r); }
            else { Other(ref r, name); }
        }

        return new TimingRepeat { BoundsPeriod = boundsPeriod, Count = count, Frequency = frequency, Period = period, PeriodUnit = periodUnit };
    }

    private static DoseAndRate DoseAndRate(ref Utf8JsonReader r)
    {
        CodeableConcept? type = null;
        Quantity? doseQuantity = null;
        Range? doseRange = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("doseQuantity"u8)) { doseQuantity = Quantity(ref r); }
            else if (name.SequenceEqual("type"u8)) { type = CodeableConcept(ref r); }
            else if (name.SequenceEqual("doseRange"u8)) { doseRange = Range(ref r); }
            else { Other(ref r, name); }
        }

        return new DoseAndRate { Type = type, DoseQuantity = doseQuantity, DoseRange = doseRange };
    }

    private static Dosage Dosage(ref Utf8JsonReader r)
    {
        int? sequence = null;
        string? text = null;
        Timing? timing = null;
        CodeableConcept? route = null;
        DoseAndRate[]? doseAndRate = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else if (name.SequenceEqual("timing"u8)) { timing = Timing(ref r); }
            else if (name.SequenceEqual("route"u8)) { route = CodeableConcept(ref r); }
            else if (name.SequenceEqual("doseAndRate"u8)) { doseAndRate = List(ref r, DoseAndRate); }
            else if (name.SequenceEqual("sequence"u8)) { sequence = Int(ref r); }
            else { Other(ref r, name); }
        }

        return new Dosage { Sequence = sequence, Text = text, Timing = timing, Route = route, DoseAndRate = doseAndRate };
    }

    private static Annotation Annotation(ref Utf8JsonReader r)
    {
        string? text = null;
        while (NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("text"u8)) { text = String(ref r); }
            else { Other(ref r, name); }
        }

        return new Annotation { Text = text };
    }
}

/// <summary>The one-pass reader is not sure of this input; read it with the checked reader instead.</summary>
public sealed class FhirReadDeclinedException() : Exception("The one-pass FHIR reader declined this input");
