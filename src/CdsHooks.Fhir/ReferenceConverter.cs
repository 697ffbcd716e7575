using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdsHooks.Fhir;

/// <summary>
/// Reads a Reference that has neither <c>reference</c> nor <c>display</c> (a logical reference by
/// identifier, one with only extensions) as absent. The model keeps nothing else of it, and an empty
/// <see cref="Reference"/> would be written back as <c>{}</c>, which FHIR and CDS Hooks forbid (a
/// draft's subject is copied into suggestions).
/// </summary>
public sealed class ReferenceConverter : JsonConverter<Reference>
{
    public override Reference? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A Reference must be a JSON object");
        }

        string? reference = null;
        string? display = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isReference = reader.ValueTextEquals("reference"u8);
            var isDisplay = !isReference && reader.ValueTextEquals("display"u8);
            reader.Read();
            if (isReference)
            {
                reference = reader.GetString();
            }
            else if (isDisplay)
            {
                display = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return reference is null && display is null ? null : new Reference { ReferenceValue = reference, Display = display };
    }

    public override void Write(Utf8JsonWriter writer, Reference value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        if (value.ReferenceValue is not null)
        {
            writer.WriteString("reference"u8, value.ReferenceValue);
        }

        if (value.Display is not null)
        {
            writer.WriteString("display"u8, value.Display);
        }

        writer.WriteEndObject();
    }
}
