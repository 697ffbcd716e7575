using System.Collections;
using System.Collections.Concurrent;
using System.Text.Json;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Reads a well-formed FHIR resource into the same Firely objects that Firely's deserializer builds, without the
/// deserializer's bookkeeping (element paths, per-object sets of properties seen, error aggregation), which is half of
/// what Firely's parse allocates. It uses Firely's own class mappings and model classes: there is no second model.
/// <para>It reads only what it can read exactly like Firely: every property known to the R4 model, in the shape R4
/// gives it, with a value of the right JSON kind. At anything else (an unknown element, a single object where R4 wants
/// an array, an empty or null value, a duplicate, <c>_given</c>-style arrays of primitive extensions, numbers as
/// text, base64, broken JSON) it gives up and returns null, and the caller lets Firely read the resource, with its
/// partial result and messages. <c>WellFormedResourceReaderTests</c> proves the two equal over every fixture and the
/// fuzz corpus (<c>IsExactly</c> and the serialized bytes).</para>
/// </summary>
internal static class WellFormedResourceReader
{
    private static readonly ModelInspector Inspector = ModelInfo.ModelInspector;
    private static readonly ConcurrentDictionary<ClassMapping, Table> Tables = new();
    private static readonly ConcurrentDictionary<string, ClassMapping> ResourceTypes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, ClassMapping>.AlternateLookup<ReadOnlySpan<char>> ResourceTypeLookup =
        ResourceTypes.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Property names and resource types longer than this are looked up the slow way (there are none in R4).</summary>
    private const int NameBuffer = 64;

    /// <summary>Reads the resource at the reader (on its StartObject) and leaves the reader on its EndObject, as Firely
    /// does; or returns null, with the reader anywhere, when the resource holds anything Firely has to judge.</summary>
    public static Resource? TryRead(ref Utf8JsonReader reader)
    {
        try
        {
            return ReadResource(ref reader);
        }
        catch (JsonException)
        {
            return null; // broken JSON: Firely's path reports it
        }
        catch (InvalidOperationException)
        {
            return null; // text that is not valid UTF-8
        }
    }

    private static Resource? ReadResource(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject || ResourceMapping(reader) is not { } mapping)
        {
            return null;
        }

        return ReadObject(ref reader, mapping, isResource: true) as Resource;
    }

    /// <summary>The class of the resource whose StartObject the reader is on, from its <c>resourceType</c> wherever it
    /// stands among the properties (the reader is a copy).</summary>
    private static ClassMapping? ResourceMapping(Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth + 1;
        while (reader.Read() && reader.CurrentDepth >= depth)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth && reader.ValueTextEquals("resourceType"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String || reader.HasValueSequence || reader.ValueSpan.Length > NameBuffer)
                {
                    return null;
                }

                Span<char> name = stackalloc char[NameBuffer];
                name = name[..reader.CopyString(name)];
                if (ResourceTypeLookup.TryGetValue(name, out var mapping))
                {
                    return mapping;
                }

                // Only the model's own resource types are kept: a name sent by a client is never cached.
                var text = name.ToString();
                mapping = Inspector.FindClassMapping(text) is { IsResource: true } found && !found.NativeType.IsAbstract ? found : null;
                if (mapping is not null)
                {
                    ResourceTypes.TryAdd(mapping.Name, mapping);
                }

                return mapping;
            }

            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= depth)
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>Reads the object at the reader into a new instance of the class; leaves the reader on its EndObject.</summary>
    private static Base? ReadObject(ref Utf8JsonReader reader, ClassMapping mapping, bool isResource)
    {
        var target = mapping.CreateInstance();
        return ReadInto(ref reader, target, TableOf(mapping), isResource) ? target : null;
    }

    private static bool ReadInto(ref Utf8JsonReader reader, Base target, Table table, bool isResource)
    {
        if (reader.TokenType != JsonTokenType.StartObject || !reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
        {
            return false; // not an object, or an empty one (Firely: objects cannot be empty)
        }

        // Each element's value and its _ part once (Firely: duplicate property); a choice element's types share a mark.
        Span<bool> seen = stackalloc bool[table.Slots];
        var empty = true;
        do
        {
            if (isResource && reader.ValueTextEquals("resourceType"u8))
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                continue; // read by ResourceMapping
            }

            if (table.Find(ref reader) is not { } property || seen[property.Slot])
            {
                return false;
            }

            seen[property.Slot] = true;
            empty = false;
            reader.Read();
            var read = property.Value.IsFhirPrimitive ? ReadPrimitiveProperty(ref reader, target, property, seen[property.Slot ^ 1])
                : property.IsCollection ? ReadList(ref reader, target, property) : ReadSingle(ref reader, target, property);
            if (!read)
            {
                return false;
            }
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName);

        return !empty && reader.TokenType == JsonTokenType.EndObject; // a resource with nothing but its type is empty
    }

    private static bool ReadSingle(ref Utf8JsonReader reader, Base target, Property property)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var value = property.IsResource ? ReadResource(ref reader) : ReadObject(ref reader, property.Value, isResource: false);
        if (value is null)
        {
            return false;
        }

        target.SetValue(property.Element, value);
        return true;
    }

    private static bool ReadList(ref Utf8JsonReader reader, Base target, Property property)
    {
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return false; // a single value where R4 wants an array, or an empty array
        }

        var list = property.Value.CreateList();
        do
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var item = property.IsResource ? ReadResource(ref reader) : ReadObject(ref reader, property.Value, isResource: false);
            if (item is null)
            {
                return false;
            }

            list.Add(item);
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);

        target.SetValue(property.Element, list);
        return true;
    }

    /// <summary>A FHIR primitive: its value (<c>name</c>) or its id and extensions (<c>_name</c>), which meet in one
    /// object; an array of primitives only without a <c>_name</c> part and without nulls.</summary>
    private static bool ReadPrimitiveProperty(ref Utf8JsonReader reader, Base target, Property property, bool otherHalfSeen)
    {
        if (property.IsCollection)
        {
            if (property.Underscore || reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                return false;
            }

            var list = property.Value.CreateList();
            do
            {
                var item = (PrimitiveType)property.Value.CreateInstance();
                if (!ReadPrimitiveValue(ref reader, item, property.ValueKind))
                {
                    return false;
                }

                list.Add(item);
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);

            target.SetValue(property.Element, list);
            return true;
        }

        // The other half of the element, when it came first; for a choice element it must be of the same type.
        PrimitiveType? primitive = null;
        if (otherHalfSeen)
        {
            target.TryGetValue(property.Element, out var existing);
            if (existing is not null && existing.GetType() != property.Value.NativeType)
            {
                return false;
            }

            primitive = existing as PrimitiveType;
        }

        primitive ??= (PrimitiveType)property.Value.CreateInstance();
        var read = property.Underscore
            ? primitive.ElementId is null && primitive.Extension.Count == 0 && ReadInto(ref reader, primitive, TableOf(property.Value), isResource: false)
            : primitive.JsonValue is null && ReadPrimitiveValue(ref reader, primitive, property.ValueKind);
        if (read)
        {
            target.SetValue(property.Element, primitive);
        }

        return read;
    }

    /// <summary>The JSON value of a primitive as Firely keeps it: text as a string (dates, instants and codes too),
    /// numbers as decimal or int, booleans as bool. Anything Firely would flag or keep aside is refused.</summary>
    private static bool ReadPrimitiveValue(ref Utf8JsonReader reader, PrimitiveType primitive, ValueKind kind)
    {
        object value;
        switch (reader.TokenType)
        {
            case JsonTokenType.String when kind == ValueKind.Text:
                var text = reader.GetString()!;
                if (string.IsNullOrWhiteSpace(text))
                {
                    return false;
                }

                value = text;
                break;
            case JsonTokenType.Number when kind == ValueKind.Decimal && reader.TryGetDecimal(out var number):
                value = number;
                break;
            case JsonTokenType.Number when kind == ValueKind.Integer && reader.TryGetInt32(out var integer):
                value = integer;
                break;
            case JsonTokenType.True or JsonTokenType.False when kind == ValueKind.Boolean:
                value = reader.GetBoolean();
                break;
            default:
                return false;
        }

        primitive.JsonValue = value;
        return true;
    }

    private static Table TableOf(ClassMapping mapping) => Tables.GetOrAdd(mapping, static m => new Table(m));

    /// <summary>How a primitive's JSON value is kept; <see cref="Other"/> is left to Firely (base64, 64-bit integers).</summary>
    private enum ValueKind
    {
        Other,
        Text,
        Decimal,
        Integer,
        Boolean,
    }

    /// <summary>One JSON property name of a class: the element it sets and the class of its value.</summary>
    private sealed class Property(string element, ClassMapping value, bool isCollection, bool isResource, bool underscore, int slot)
    {
        public string Element { get; } = element;

        public ClassMapping Value { get; } = value;

        public bool IsCollection { get; } = isCollection;

        public bool IsResource { get; } = isResource;

        public bool Underscore { get; } = underscore;

        /// <summary>The seen-mark: 2 × the element's index, + 1 for the <c>_</c> part.</summary>
        public int Slot { get; } = slot;

        public ValueKind ValueKind { get; } = KindOf(value);

        private static ValueKind KindOf(ClassMapping value)
        {
            var type = value.PrimitiveValueProperty?.ImplementingType;
            return !value.IsFhirPrimitive || type is null ? ValueKind.Other
                : type == typeof(string) || type == typeof(DateTimeOffset) || type.IsEnum ? ValueKind.Text
                : type == typeof(decimal) ? ValueKind.Decimal
                : type == typeof(int) ? ValueKind.Integer
                : type == typeof(bool) ? ValueKind.Boolean
                : ValueKind.Other;
        }
    }

    /// <summary>Every JSON property name of one class (<c>valueQuantity</c>, <c>_status</c>), built once from Firely's
    /// class mapping and looked up without allocating.</summary>
    private sealed class Table
    {
        private readonly Dictionary<string, Property> _byName = new(StringComparer.Ordinal);
        private readonly Dictionary<string, Property>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public Table(ClassMapping mapping)
        {
            var index = 0;
            foreach (var element in mapping.PropertyMappings)
            {
                if (element.IsPrimitive)
                {
                    continue; // a primitive's own value: only ever the JSON value itself, never a property
                }

                var slot = 2 * index++;
                if (element.Choice == ChoiceType.DatatypeChoice)
                {
                    foreach (var type in element.FhirTypeMappings)
                    {
                        Add(element.Name + char.ToUpperInvariant(type.Name[0]) + type.Name[1..], element, type, slot);
                    }
                }
                else if (element.Choice == ChoiceType.ResourceChoice)
                {
                    _byName[element.Name] = new Property(element.Name, element.PropertyTypeMapping, element.IsCollection, isResource: true, underscore: false, slot);
                }
                else if (Instantiable(element) is { } type)
                {
                    Add(element.Name, element, type, slot);
                }
            }

            _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
            Slots = 2 * index;
        }

        /// <summary>How many seen-marks an object of the class needs.</summary>
        public int Slots { get; }

        /// <summary>The class an element's value is made of: its implementing type, or where that is abstract (elements
        /// whose type differs between FHIR releases, like <c>Meta.profile</c>), the type R4 gives it.</summary>
        private static ClassMapping? Instantiable(PropertyMapping element) =>
            !element.ImplementingType.IsAbstract ? Inspector.FindOrImportClassMapping(element.ImplementingType)
            : element.PropertyTypeMapping is { NativeType.IsAbstract: false } declared ? declared
            : null;

        private void Add(string name, PropertyMapping element, ClassMapping type, int slot)
        {
            if (type.NativeType.IsAbstract)
            {
                return; // nothing to make: left to Firely
            }

            _byName[name] = new Property(element.Name, type, element.IsCollection, isResource: false, underscore: false, slot);
            if (type.IsFhirPrimitive)
            {
                _byName["_" + name] = new Property(element.Name, type, element.IsCollection, isResource: false, underscore: true, slot + 1);
            }
        }

        /// <summary>The property whose name the reader is on, or null for a name R4 does not know here.</summary>
        public Property? Find(ref Utf8JsonReader reader)
        {
            if (reader.HasValueSequence || reader.ValueSpan.Length > NameBuffer)
            {
                return null;
            }

            Span<char> name = stackalloc char[NameBuffer];
            return _lookup.TryGetValue(name[..reader.CopyString(name)], out var property) ? property : null;
        }
    }
}
