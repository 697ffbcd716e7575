using System.Text.Json;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Infrastructure;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Hooks;

/// <summary>
/// Validates a hook request (CDS Hooks 2.0 §Calling a CDS Service, order-select/order-sign contexts) in one pass
/// over the body: the envelope with <see cref="Utf8JsonReader"/>, each FHIR resource (draftOrders, prefetch values)
/// by Firely's deserializer from the same reader (<see cref="FhirResourceReader"/>). Every rejection names the
/// JSON path at fault. Unknown fields and extensions are ignored, and so is FHIR content the engine does not read.
/// </summary>
public static class RequestReader
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

        return envelope.Validate(service);
    }

    internal static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    /// <summary>What the pass collects; validated afterwards in the order the contract lists the members, so the
    /// first fault named does not depend on the order of the JSON members.</summary>
    private sealed class Envelope
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

        public (HookRequest?, RequestError?) Validate(CdsServiceDefinition service)
        {
            if (string.IsNullOrWhiteSpace(_hook))
            {
                return (null, RequestError.Required("hook"));
            }

            if (_hook != service.Hook)
            {
                return (null, RequestError.Invalid("hook", $"Service '{service.Id}' answers the '{service.Hook}' hook, not '{_hook}'"));
            }

            if (string.IsNullOrWhiteSpace(_hookInstance))
            {
                return (null, RequestError.Required("hookInstance"));
            }

            if (_contextKind != JsonValueKind.Object)
            {
                return (null, _contextKind == JsonValueKind.Undefined
                    ? RequestError.Required("context")
                    : RequestError.Invalid("context", "'context' must be an object"));
            }

            if (string.IsNullOrWhiteSpace(_patientId))
            {
                return (null, RequestError.Required("context.patientId"));
            }

            Uri? fhirServer = null;
            if (_fhirServerKind is not (JsonValueKind.Undefined or JsonValueKind.Null) &&
                !(Uri.TryCreate(_fhirServer, UriKind.Absolute, out fhirServer) && (fhirServer.Scheme == Uri.UriSchemeHttps || fhirServer.Scheme == Uri.UriSchemeHttp)))
            {
                return (null, RequestError.Invalid("fhirServer", "'fhirServer' must be an absolute http(s) URL"));
            }

            var (authorization, authError) = ReadAuthorization(_authorization, fhirServer);
            if (authError is not null)
            {
                return (null, authError);
            }

            var (drafts, draftError) = Drafts();
            if (draftError is not null)
            {
                return (null, draftError);
            }

            var selections = new List<string>();
            if (service.Kind == HookKind.OrderSelect && ReadSelections(_selections, drafts!, selections) is { } selectionError)
            {
                return (null, selectionError);
            }

            if (_prefetchKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            {
                return (null, RequestError.Invalid("prefetch", "'prefetch' must be an object"));
            }

            foreach (var (key, value) in _prefetch)
            {
                if (value is PrefetchValue.Malformed malformed)
                {
                    return (null, RequestError.Invalid("prefetch." + key, malformed.Problem));
                }
            }

            _tolerated.AddRange(_drafts!.Tolerated);
            return (new HookRequest(service, _hookInstance!, _patientId!, _userId, fhirServer, authorization, drafts!, selections, _prefetch, _tolerated), null);
        }

        /// <summary>The draftOrders Bundle. A fault in an element the engine reads is a 400 naming it: the drafts are what
        /// the clinician asks about, and a guess at them would be a guess at the answer.</summary>
        private (Bundle?, RequestError?) Drafts()
        {
            if (_draftsKind is JsonValueKind.Undefined or JsonValueKind.Null)
            {
                return (null, RequestError.Required("context.draftOrders"));
            }

            if (_draftsKind != JsonValueKind.Object)
            {
                return (null, RequestError.Invalid("context.draftOrders", "'draftOrders' must be a FHIR Bundle"));
            }

            if (!_draftsAreBundle)
            {
                return (null, RequestError.Invalid("context.draftOrders.resourceType", "'draftOrders' must be a FHIR Bundle (resourceType 'Bundle')"));
            }

            if (_drafts!.Faults.Count > 0 || _drafts.Resource is not Bundle bundle)
            {
                var fault = _drafts.Faults.Count > 0 ? _drafts.Faults[0] : new EntryFault(null, "resourceType", "the Bundle could not be read");
                var at = "context.draftOrders" + (fault.Entry is { } i ? $".entry[{i}].resource" : string.Empty) + "." + fault.Element;
                return (null, RequestError.Invalid(at, $"Invalid FHIR content at '{at}': {fault.Message}"));
            }

            return (bundle, null);
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

    private static bool TryString(JsonElement parent, string name, out string? value)
    {
        value = parent.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return !string.IsNullOrWhiteSpace(value);
    }

    private static (FhirAuthorization?, RequestError?) ReadAuthorization(JsonElement? element, Uri? fhirServer)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, RequestError.Invalid("fhirAuthorization", "'fhirAuthorization' must be an object"));
        }

        if (fhirServer is null)
        {
            return (null, RequestError.Invalid("fhirServer", "'fhirServer' is required when 'fhirAuthorization' is given"));
        }

        if (!TryString(e, "access_token", out var token))
        {
            return (null, RequestError.Required("fhirAuthorization.access_token"));
        }

        TryString(e, "token_type", out var type);
        if (type is not null && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return (null, RequestError.Invalid("fhirAuthorization.token_type", "'token_type' must be 'Bearer'"));
        }

        TryString(e, "scope", out var scope);
        TryString(e, "subject", out var subject);
        TryString(e, "patient", out var patient);
        return (new FhirAuthorization(token!, type, scope, subject, patient), null);
    }

    /// <summary>"Type/id" of every draft with an id: what a selection may point to.</summary>
    private static HashSet<string> KnownDraftReferences(Bundle drafts) =>
        drafts.Entry
            .Where(x => x.Resource?.Id is not null)
            .Select(x => $"{x.Resource!.TypeName}/{x.Resource.Id}")
            .ToHashSet(StringComparer.Ordinal);

    private static RequestError? ReadSelections(JsonElement? element, Bundle drafts, List<string> selections)
    {
        if (element is not { } e || e.ValueKind == JsonValueKind.Null)
        {
            return RequestError.Required("context.selections");
        }

        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() == 0)
        {
            return RequestError.Invalid("context.selections", "'selections' must be a non-empty array of references such as 'MedicationRequest/123'");
        }

        var known = KnownDraftReferences(drafts);
        var index = 0;
        foreach (var item in e.EnumerateArray())
        {
            var path = $"context.selections[{index++}]";
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                return RequestError.Invalid(path, "a selection must be a reference string such as 'MedicationRequest/123'");
            }

            var reference = item.GetString()!;
            if (reference.StartsWith("MedicationRequest/", StringComparison.Ordinal) && !known.Contains(reference))
            {
                return RequestError.Invalid(path, $"'{reference}' is not an entry of context.draftOrders");
            }

            selections.Add(reference);
        }

        return null;
    }
}
