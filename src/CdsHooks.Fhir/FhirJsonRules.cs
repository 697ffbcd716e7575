using System.Text.Json;

namespace CdsHooks.Fhir;

/// <summary>
/// FHIR R4 JSON rules the model's types cannot express (§2.6.2 JSON representation): objects are
/// never empty, strings are never empty, and arrays hold no null except in step with a "_name" array
/// of primitive extensions. A reader that skips this check sees the holes as values: a null coding
/// dereferenced, an empty subject copied into a suggestion (where CDS Hooks forbids {} and "").
/// </summary>
public static class FhirJsonRules
{
    /// <summary>The first violation under <paramref name="element"/>: its path relative to the element
    /// (".entry[0].resource.subject", "" for the element itself) and what is wrong; null if none.</summary>
    public static (string Path, string Problem)? FindViolation(JsonElement element) => Check(element);

    // Paths are built only on the way back from a violation: the common case allocates nothing.
    private static (string Path, string Problem)? Check(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var empty = true;
                foreach (var property in element.EnumerateObject())
                {
                    empty = false;
                    var value = property.Value;
                    var found = value.ValueKind == JsonValueKind.Array ? CheckArray(value, element, property) : Check(value);
                    if (found is { } f)
                    {
                        return ("." + property.Name + f.Path, f.Problem);
                    }
                }

                return empty ? (string.Empty, "an empty object (FHIR JSON objects are never empty)") : null;
            case JsonValueKind.String when element.ValueEquals(ReadOnlySpan<byte>.Empty):
                return (string.Empty, "an empty string (FHIR strings are never empty; omit the element)");
            default:
                return null;
        }
    }

    private static (string Path, string Problem)? CheckArray(JsonElement array, JsonElement parent, JsonProperty property)
    {
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var found = item.ValueKind switch
            {
                JsonValueKind.Null when !NullAllowed(parent, property) =>
                    (string.Empty, "null in an array (allowed only beside a '_' array of primitive extensions)"),
                JsonValueKind.Array => CheckArray(item, parent, property),
                _ => Check(item),
            };
            if (found is { } f)
            {
                return ($"[{index}]" + f.Path, f.Problem);
            }

            index++;
        }

        return null;
    }

    private static bool NullAllowed(JsonElement parent, JsonProperty property) =>
        property.Name.StartsWith('_') || parent.TryGetProperty("_" + property.Name, out _);
}
