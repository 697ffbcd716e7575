using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Infrastructure;

internal sealed partial class AnswerJson
{
    private static readonly JsonEncodedText ResourceType = JsonEncodedText.Encode("resourceType");
    private static readonly JsonEncodedText MedicationRequestType = JsonEncodedText.Encode("MedicationRequest");

    /// <summary>A MedicationRequest's members as its generated contract lists them, which is the order the serializer
    /// writes them in; null when the contract is not one this writer can follow (then the serializer writes it).</summary>
    private static readonly RequestMember[]? s_requestMembers = RequestMembers(CdsJsonContext.Default.MedicationRequest);

    /// <summary>
    /// A resource of an action, with the bytes of <c>JsonSerializer.Serialize(writer, resource, CdsJsonContext.Default.Resource)</c>.
    /// Every resource the service suggests is a new draft MedicationRequest whose drug and dosage are the order
    /// template's own objects (SuggestionBuilder's NewOrder, built once per knowledge load and shared by every card
    /// that suggests the order). The polymorphic contract writes the discriminator and then the derived type's
    /// members, so a MedicationRequest is written here in the same way: <c>resourceType</c> first, then each member
    /// of its contract in the contract's order, nulls left out (the context's WhenWritingNull). The template's drug
    /// and dosage come from their JSON made once per object (<see cref="WritePart{T}"/>'s table); the rest (status,
    /// subject, encounter, requester) through their own contracts. Other resource types keep the serializer.
    /// </summary>
    private void WriteResource(Utf8JsonWriter writer, Resource resource)
    {
        if (resource is not MedicationRequest request || s_requestMembers is not { } members)
        {
            JsonSerializer.Serialize(writer, resource, CdsJsonContext.Default.Resource);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString(ResourceType, MedicationRequestType);
        foreach (var member in members)
        {
            if (member.Get(request) is not { } value || (member.ShouldSerialize is { } should && !should(request, value)))
            {
                continue;
            }

            writer.WritePropertyName(member.Name);
            if (value is string text)
            {
                writer.WriteStringValue(text);
            }
            else if (member.FromTemplate)
            {
                writer.WriteRawValue(Prepared(value, member.Contract), skipInputValidation: true);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, member.Contract);
            }
        }

        writer.WriteEndObject();
    }

    /// <param name="FromTemplate">The member holds an order template's shared object (drug, dosage): its JSON is kept
    /// per object. For an object that is not shared the entry dies with it: correct, only not cheaper.</param>
    internal sealed record RequestMember(
        JsonEncodedText Name, Func<object, object?> Get, Func<object, object?, bool>? ShouldSerialize, JsonTypeInfo Contract, bool FromTemplate);

    internal static RequestMember[]? RequestMembers(JsonTypeInfo<MedicationRequest> contract)
    {
        if (contract.Options.DefaultIgnoreCondition != JsonIgnoreCondition.WhenWritingNull || contract.Kind != JsonTypeInfoKind.Object)
        {
            return null; // the walk above leaves nulls out, as this setting does, and knows only plain objects
        }

        var members = new List<RequestMember>();
        foreach (var property in contract.Properties)
        {
            if (property.Get is not { } get)
            {
                continue; // not serialized ([JsonIgnore], e.g. TypeName)
            }

            if (property.PropertyType.IsValueType)
            {
                return null; // a value type would need its own default handling; MedicationRequest has none
            }

            members.Add(new RequestMember(
                JsonEncodedText.Encode(property.Name), // FHIR member names: ASCII letters, the same bytes under any encoder
                get,
                property.ShouldSerialize,
                contract.Options.GetTypeInfo(property.PropertyType),
                property.Name is "medicationCodeableConcept" or "dosageInstruction"));
        }

        return [.. members];
    }
}
