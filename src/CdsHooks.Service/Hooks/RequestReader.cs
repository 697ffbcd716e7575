using System.Text.Json;
using CdsHooks.Engine.Rules;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Hooks;

/// <summary>
/// Validates a hook request (CDS Hooks 2.0 §Calling a CDS Service, order-select/order-sign contexts).
/// Every rejection names the JSON path at fault. Unknown fields and extensions are ignored.
/// </summary>
public static partial class RequestReader
{
    /// <summary>
    /// A request that is well formed is read in one pass over the bytes (<see cref="TryReadOnePass"/>);
    /// anything else, and anything unusual, is read by the checked reader below, which names what is wrong.
    /// Both give the same request for any input the one-pass reader accepts.
    /// </summary>
    public static (HookRequest? Request, RequestError? Error) Read(ReadOnlyMemory<byte> body, CdsServiceDefinition service) =>
        TryReadOnePass(body, service) is { } request ? (request, null) : ReadChecked(body, service);

    /// <summary>The checked reader: JSON document, FHIR JSON rules, then the typed read; every rejection names its path.</summary>
    internal static (HookRequest? Request, RequestError? Error) ReadChecked(ReadOnlyMemory<byte> body, CdsServiceDefinition service)
    {
        JsonDocument document;
        try
        {
            // Parsed in place: a full prefetch is ~100 KB, and a copy of it lands on the large object heap.
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return (null, RequestError.Invalid("$", $"The body is not valid JSON: {ex.Message}"));
        }

        using (document)
        {
            try
            {
                return Read(document.RootElement, service);
            }
            catch (InvalidOperationException ex)
            {
                // JsonDocument checks the structure, not the text of strings: invalid UTF-8 or a lone
                // escaped surrogate ("\ud800") throws only when the string is read.
                return (null, RequestError.Invalid("$", $"The body is not valid JSON text: {FhirJson.FirstSentence(ex.Message)}"));
            }
        }
    }

    private static (HookRequest?, RequestError?) Read(JsonElement root, CdsServiceDefinition service)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, RequestError.Invalid("$", "The body must be a JSON object"));
        }

        if (!TryString(root, "hook", out var hook))
        {
            return (null, RequestError.Required("hook"));
        }

        if (hook != service.Hook)
        {
            return (null, RequestError.Invalid("hook", $"Service '{service.Id}' answers the '{service.Hook}' hook, not '{hook}'"));
        }

        if (!TryString(root, "hookInstance", out var hookInstance))
        {
            return (null, RequestError.Required("hookInstance"));
        }

        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            return (null, context.ValueKind == JsonValueKind.Undefined
                ? RequestError.Required("context")
                : RequestError.Invalid("context", "'context' must be an object"));
        }

        if (!TryString(context, "patientId", out var patientId))
        {
            return (null, RequestError.Required("context.patientId"));
        }

        TryString(context, "userId", out var userId);

        var (fhirServer, fhirError) = ReadFhirServer(root);
        if (fhirError is not null)
        {
            return (null, fhirError);
        }

        var (authorization, authError) = ReadAuthorization(root, fhirServer);
        if (authError is not null)
        {
            return (null, authError);
        }

        var (drafts, draftError) = ReadDraftOrders(context);
        if (draftError is not null)
        {
            return (null, draftError);
        }

        var selections = new List<string>();
        if (service.Kind == HookKind.OrderSelect)
        {
            var selectionError = ReadSelections(context, drafts!, selections);
            if (selectionError is not null)
            {
                return (null, selectionError);
            }
        }

        var (prefetch, prefetchError) = ReadPrefetch(root);
        if (prefetchError is not null)
        {
            return (null, prefetchError);
        }

        return (new HookRequest(service, hookInstance!, patientId!, userId, fhirServer, authorization, drafts!, selections, prefetch!), null);
    }

    private static bool TryString(JsonElement parent, string name, out string? value)
    {
        value = parent.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        return !string.IsNullOrWhiteSpace(value);
    }

    private static (Uri?, RequestError?) ReadFhirServer(JsonElement root)
    {
        if (!root.TryGetProperty("fhirServer", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        return e.ValueKind == JsonValueKind.String && TryHttpUrl(e.GetString(), out var uri)
            ? (uri, null)
            : (null, RequestError.Invalid("fhirServer", "'fhirServer' must be an absolute http(s) URL"));
    }

    private static bool TryHttpUrl(string? value, out Uri? uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    /// <summary>"Type/id" of every draft with an id: what a selection may point to.</summary>
    private static HashSet<string> KnownDraftReferences(Bundle drafts) =>
        (drafts.Entry ?? [])
            .Where(x => x.Resource?.Id is not null)
            .Select(x => $"{x.Resource!.TypeName ?? "?"}/{x.Resource.Id}")
            .ToHashSet(StringComparer.Ordinal);

    private static (FhirAuthorization?, RequestError?) ReadAuthorization(JsonElement root, Uri? fhirServer)
    {
        if (!root.TryGetProperty("fhirAuthorization", out var e) || e.ValueKind == JsonValueKind.Null)
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

    private static (Bundle?, RequestError?) ReadDraftOrders(JsonElement context)
    {
        if (!context.TryGetProperty("draftOrders", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return (null, RequestError.Required("context.draftOrders"));
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, RequestError.Invalid("context.draftOrders", "'draftOrders' must be a FHIR Bundle"));
        }

        if (!e.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Bundle")
        {
            return (null, RequestError.Invalid("context.draftOrders.resourceType", "'draftOrders' must be a FHIR Bundle (resourceType 'Bundle')"));
        }

        var (resource, error) = ParseResource(e, "context.draftOrders");
        return error is not null ? (null, error) : ((Bundle)resource!, null);
    }

    private static RequestError? ReadSelections(JsonElement context, Bundle drafts, List<string> selections)
    {
        if (!context.TryGetProperty("selections", out var e) || e.ValueKind == JsonValueKind.Null)
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

    private static (Dictionary<string, PrefetchValue>?, RequestError?) ReadPrefetch(JsonElement root)
    {
        var result = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        if (!root.TryGetProperty("prefetch", out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return (result, null);
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return (null, RequestError.Invalid("prefetch", "'prefetch' must be an object"));
        }

        foreach (var property in e.EnumerateObject())
        {
            var path = "prefetch." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                result[property.Name] = new PrefetchValue.NoData();
                continue;
            }

            if (property.Value.ValueKind != JsonValueKind.Object)
            {
                return (null, RequestError.Invalid(path, "a prefetch value must be a FHIR resource or null"));
            }

            var (resource, error) = ParseResource(property.Value, path);
            if (error is not null)
            {
                // Invalid FHIR inside the patient's record (an empty "unit" on an old result) must not cost the
                // clinician every check: the key is treated like a prefetch the client failed (fetched from
                // fhirServer, or named in the cards as not obtained), never as "no data". Drafts stay strict.
                result[property.Name] = new PrefetchValue.ClientError(error.Outcome);
                continue;
            }

            result[property.Name] = resource switch
            {
                OperationOutcome outcome => new PrefetchValue.ClientError(outcome),
                null => new PrefetchValue.NoData(),
                _ => new PrefetchValue.Data(WithoutEntryUrls(resource)),
            };
        }

        return (result, null);
    }

    /// <summary>A prefetch Bundle keeps no entry fullUrl, as the one-pass reader reads it (<see cref="PrefetchValue.Data"/>).</summary>
    private static Resource WithoutEntryUrls(Resource resource) =>
        resource is Bundle { Entry: { } entries } bundle && entries.Any(e => e.FullUrl is not null)
            ? bundle with { Entry = [.. entries.Select(e => e with { FullUrl = null })] }
            : resource;

    private static (Resource?, RequestError?) ParseResource(JsonElement element, string path)
    {
        var (resource, where, problem) = FhirJson.ReadChecked(element);
        if (problem is null)
        {
            return (resource, null);
        }

        var at = path + where;
        return (null, RequestError.Invalid(at, $"Invalid FHIR content at '{at}': {problem}"));
    }
}
