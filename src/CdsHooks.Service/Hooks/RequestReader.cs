using System.Text.Json;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Prefetch;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Hooks;

/// <summary>
/// Validates a hook request (CDS Hooks 2.0 §Calling a CDS Service, order-select/order-sign contexts) in one pass
/// over the body: the envelope with <see cref="Utf8JsonReader"/>, each FHIR resource (draftOrders, prefetch values)
/// into Firely objects from the same reader (<see cref="FhirResourceReader"/>: the shortcut reader, or Firely's
/// deserializer for what it declines). Every rejection names the JSON path at fault. Unknown fields and extensions are
/// ignored, and so is FHIR content the engine does not read.
/// </summary>
public static partial class RequestReader
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    public static (HookRequest? Request, RequestError? Error) Read(ReadOnlyMemory<byte> body, CdsServiceDefinition service)
    {
        var envelope = new Envelope();
        try
        {
            var reader = new Utf8JsonReader(body.Span, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, RequestError.Invalid("$", "The body must be a JSON object"));
            }

            envelope.ReadRoot(ref reader);

            // Inside the same guard: small members (selections, fhirAuthorization) are kept as JSON elements, whose
            // strings are decoded only now.
            return envelope.Validate(service);
        }
        catch (JsonException ex)
        {
            return (null, RequestError.Invalid("$", $"The body is not valid JSON: {FirstSentence(ex.Message)}"));
        }
        catch (InvalidOperationException)
        {
            // The reader checks structure, not the text of strings: invalid UTF-8 or a lone escaped surrogate throws when read.
            return (null, RequestError.Invalid("$", "The body is not valid JSON text: a string is not valid UTF-8 or UTF-16"));
        }
    }

    internal static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    /// <summary>What the pass collects; validated afterwards in the order the contract lists the members, so the
    /// first fault named does not depend on the order of the JSON members.</summary>
    private sealed partial class Envelope
    {
        private string? _hook;
        private string? _hookInstance;
        private JsonValueKind _fhirServerKind = JsonValueKind.Undefined;
        private string? _fhirServer;
        private JsonElement? _authorization;
        private JsonValueKind _contextKind = JsonValueKind.Undefined;
        private string? _patientId;
        private string? _userId;
        private JsonValueKind _draftsKind = JsonValueKind.Undefined;
        private bool _draftsAreBundle;
        private ResourceRead? _drafts;
        private JsonElement? _selections;
        private JsonValueKind _prefetchKind = JsonValueKind.Undefined;
        private readonly Dictionary<string, PrefetchValue> _prefetch = new(StringComparer.Ordinal);
        private readonly List<string> _tolerated = [];

        public void ReadRoot(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "hook":
                        _hook = StringOf(ref reader);
                        break;
                    case "hookInstance":
                        _hookInstance = StringOf(ref reader);
                        break;
                    case "fhirServer":
                        _fhirServerKind = reader.TokenType == JsonTokenType.String ? JsonValueKind.String : KindOf(reader.TokenType);
                        _fhirServer = StringOf(ref reader);
                        break;
                    case "fhirAuthorization":
                        _authorization = JsonElement.ParseValue(ref reader);
                        break;
                    case "context":
                        _contextKind = KindOf(reader.TokenType);
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadContext(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }

                        break;
                    case "prefetch":
                        _prefetchKind = KindOf(reader.TokenType);
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            ReadPrefetch(ref reader);
                        }
                        else
                        {
                            reader.Skip();
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        private void ReadContext(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "patientId":
                        _patientId = StringOf(ref reader);
                        break;
                    case "userId":
                        _userId = StringOf(ref reader);
                        break;
                    case "draftOrders":
                        _draftsKind = KindOf(reader.TokenType);
                        if (reader.TokenType == JsonTokenType.StartObject)
                        {
                            _draftsAreBundle = IsBundle(reader);
                            _drafts = _draftsAreBundle ? FhirResourceReader.Read(ref reader) : null;
                            if (!_draftsAreBundle)
                            {
                                reader.Skip();
                            }
                        }
                        else
                        {
                            reader.Skip();
                        }

                        break;
                    case "selections":
                        _selections = JsonElement.ParseValue(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        private void ReadPrefetch(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.GetString()!;
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    _prefetch[key] = new PrefetchValue.NoData();
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    _prefetch[key] = new PrefetchValue.Malformed("a prefetch value must be a FHIR resource or null");
                    continue;
                }

                var read = FhirResourceReader.Read(ref reader);
                _tolerated.AddRange(read.Tolerated);
                _prefetch[key] = PrefetchValue.From(read);
            }
        }

        private static bool IsBundle(Utf8JsonReader copy)
        {
            // A copy of the reader (a struct): looks ahead for resourceType without moving the caller's reader.
            var depth = copy.CurrentDepth;
            while (copy.Read() && copy.CurrentDepth > depth)
            {
                if (copy.TokenType == JsonTokenType.PropertyName && copy.CurrentDepth == depth + 1)
                {
                    if (copy.ValueTextEquals("resourceType"))
                    {
                        return copy.Read() && copy.TokenType == JsonTokenType.String && copy.ValueTextEquals("Bundle");
                    }

                    copy.Read();
                    copy.Skip();
                }
            }

            return false;
        }

        private static string? StringOf(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString();
            }

            reader.Skip();
            return null;
        }

        private static JsonValueKind KindOf(JsonTokenType token) => token switch
        {
            JsonTokenType.StartObject => JsonValueKind.Object,
            JsonTokenType.StartArray => JsonValueKind.Array,
            JsonTokenType.String => JsonValueKind.String,
            JsonTokenType.Number => JsonValueKind.Number,
            JsonTokenType.True => JsonValueKind.True,
            JsonTokenType.False => JsonValueKind.False,
            JsonTokenType.Null => JsonValueKind.Null,
            _ => JsonValueKind.Undefined,
        };
    }
}
