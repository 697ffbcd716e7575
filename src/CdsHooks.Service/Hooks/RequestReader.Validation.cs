using System.Text.Json;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Prefetch;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Hooks;

/// <summary>The checks made once the pass is over, in the order the contract lists the members: hook,
/// hookInstance, context, patientId, fhirServer, fhirAuthorization, draftOrders, selections, prefetch.</summary>
public static partial class RequestReader
{
    private sealed partial class Envelope
    {
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
