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
internal static partial class WellFormedResourceReader
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
        if (!reader.IsFinalBlock)
        {
            return null; // a partial buffer: an object cut short could look complete
        }

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

        return ReadObject(ref reader, mapping, TableOf(mapping), isResource: true) as Resource;
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
    private static Base? ReadObject(ref Utf8JsonReader reader, ClassMapping mapping, Table table, bool isResource)
    {
        var target = mapping.CreateInstance();
        return ReadInto(ref reader, target, table, isResource) ? target : null;
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

            if (!property.Value.IsFhirPrimitive && seen[property.Slot | 1])
            {
                return false; // a choice element's _ part came first, for a primitive type (_effectiveDateTime, then effectivePeriod)
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

        var value = property.IsResource ? ReadResource(ref reader) : ReadObject(ref reader, property.Value, property.ValueTable, isResource: false);
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

        var list = property.NewList!();
        do
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var item = property.IsResource ? ReadResource(ref reader) : ReadObject(ref reader, property.Value, property.ValueTable, isResource: false);
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
}
