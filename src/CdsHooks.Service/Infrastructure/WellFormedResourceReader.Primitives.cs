using System.Text.Json;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Infrastructure;

/// <summary>FHIR primitives: a value, its <c>_</c> part, and arrays of values.</summary>
internal static partial class WellFormedResourceReader
{
    /// <summary>A FHIR primitive: its value (<c>name</c>) or its id and extensions (<c>_name</c>), which meet in one
    /// object; an array of primitives only without nulls (the table has no <c>_name</c> for arrays).</summary>
    private static bool ReadPrimitiveProperty(ref Utf8JsonReader reader, Base target, Property property, bool otherHalfSeen)
    {
        if (property.IsCollection)
        {
            if (reader.TokenType != JsonTokenType.StartArray || !reader.Read() || reader.TokenType == JsonTokenType.EndArray)
            {
                return false;
            }

            var list = property.NewList!();
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
            ? primitive.ElementId is null && primitive.Extension.Count == 0 && ReadInto(ref reader, primitive, property.ValueTable, isResource: false)
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
}
