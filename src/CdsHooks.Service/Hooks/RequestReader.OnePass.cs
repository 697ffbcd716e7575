using System.Text.Json;
using CdsHooks.Engine.Rules;
using CdsHooks.Fhir;

namespace CdsHooks.Service.Hooks;

public static partial class RequestReader
{
    private static readonly JsonReaderOptions OnePassOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Reads a well-formed hook request in one pass: envelope, drafts and prefetch straight from the bytes into
    /// the FHIR model, with FHIR JSON's rules checked on the way (<see cref="FhirStreamReader"/>). Returns null,
    /// without a verdict, for anything it is not sure of: broken JSON, a missing or wrong field, a duplicate
    /// envelope key, a FHIR rule broken in a draft or a prefetch value (which the checked reader degrades to
    /// "not obtained"), an OperationOutcome in the prefetch. <see cref="ReadChecked"/> then decides.
    /// </summary>
    internal static HookRequest? TryReadOnePass(ReadOnlyMemory<byte> body, CdsServiceDefinition service)
    {
        using var sharing = FhirStreamReader.ShareRepeats(body); // a year of history repeats codings and references
        try
        {
            var r = new Utf8JsonReader(body.Span, OnePassOptions);
            return ReadEnvelope(ref r, service);
        }
        catch (Exception ex) when (ex is FhirReadDeclinedException or JsonException or InvalidOperationException)
        {
            // Declined, broken JSON, or a string that is not valid UTF-8: the checked reader names the fault.
            return null;
        }
    }

    private static HookRequest? ReadEnvelope(ref Utf8JsonReader r, CdsServiceDefinition service)
    {
        if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? hook = null, hookInstance = null, fhirServer = null;
        FhirAuthorization? authorization = null;
        OnePassContext? context = null;
        Dictionary<string, PrefetchValue>? prefetch = null;
        var seen = 0;
        while (FhirStreamReader.NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("hook"u8)) { Once(ref seen, 1); hook = EnvelopeString(ref r); }
            else if (name.SequenceEqual("hookInstance"u8)) { Once(ref seen, 2); hookInstance = EnvelopeString(ref r); }
            else if (name.SequenceEqual("context"u8)) { Once(ref seen, 4); context = ReadContext(ref r, service); }
            else if (name.SequenceEqual("prefetch"u8)) { Once(ref seen, 8); prefetch = ReadPrefetch(ref r); }
            else if (name.SequenceEqual("fhirServer"u8)) { Once(ref seen, 16); fhirServer = EnvelopeString(ref r); }
            else if (name.SequenceEqual("fhirAuthorization"u8)) { Once(ref seen, 32); authorization = ReadAuthorization(ref r); }
            else { r.Skip(); }
        }

        if (r.Read())
        {
            return null; // unreachable for valid JSON (the reader throws on trailing content), kept as a guard
        }

        // The checks of ReadChecked, in its order; any failure leaves the verdict (and its message) to it.
        if (string.IsNullOrWhiteSpace(hook) || hook != service.Hook || string.IsNullOrWhiteSpace(hookInstance) ||
            context is null || string.IsNullOrWhiteSpace(context.PatientId) || context.DraftOrders is null)
        {
            return null;
        }

        Uri? server = null;
        if (fhirServer is not null && !TryHttpUrl(fhirServer, out server))
        {
            return null;
        }

        if (authorization is not null && server is null)
        {
            return null;
        }

        var selections = new List<string>();
        if (service.Kind == HookKind.OrderSelect)
        {
            if (context.Selections is not { Count: > 0 })
            {
                return null;
            }

            var known = KnownDraftReferences(context.DraftOrders);
            foreach (var reference in context.Selections)
            {
                if (string.IsNullOrWhiteSpace(reference) ||
                    (reference.StartsWith("MedicationRequest/", StringComparison.Ordinal) && !known.Contains(reference)))
                {
                    return null;
                }

                selections.Add(reference);
            }
        }

        return new HookRequest(service, hookInstance, context.PatientId, context.UserId, server, authorization,
            context.DraftOrders, selections, prefetch ?? new Dictionary<string, PrefetchValue>(StringComparer.Ordinal));
    }

    private sealed record OnePassContext(string? PatientId, string? UserId, Bundle? DraftOrders, List<string>? Selections);

    private static OnePassContext ReadContext(ref Utf8JsonReader r, CdsServiceDefinition service)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            FhirStreamReader.Decline();
        }

        string? patientId = null, userId = null;
        Bundle? drafts = null;
        List<string>? selections = null;
        var seen = 0;
        while (FhirStreamReader.NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("draftOrders"u8))
            {
                Once(ref seen, 1);
                drafts = r.TokenType == JsonTokenType.StartObject && FhirStreamReader.ReadResource(ref r) is Bundle bundle
                    ? bundle
                    : FhirStreamReader.Decline<Bundle>();
            }
            else if (name.SequenceEqual("patientId"u8)) { Once(ref seen, 2); patientId = EnvelopeString(ref r); }
            else if (name.SequenceEqual("userId"u8)) { Once(ref seen, 4); userId = EnvelopeString(ref r); }
            else if (name.SequenceEqual("selections"u8) && service.Kind == HookKind.OrderSelect)
            {
                Once(ref seen, 8);
                selections = ReadStrings(ref r);
            }
            else { r.Skip(); }
        }

        return new OnePassContext(patientId, userId, drafts, selections);
    }

    private static Dictionary<string, PrefetchValue>? ReadPrefetch(ref Utf8JsonReader r)
    {
        var result = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        if (r.TokenType == JsonTokenType.Null)
        {
            return result;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            FhirStreamReader.Decline();
        }

        while (FhirStreamReader.NextProperty(ref r))
        {
            var key = r.GetString()!;
            r.Read();
            result[key] = r.TokenType switch
            {
                JsonTokenType.Null => new PrefetchValue.NoData(),
                JsonTokenType.StartObject => new PrefetchValue.Data(FhirStreamReader.ReadResourceWithoutEntryUrls(ref r)),
                _ => FhirStreamReader.Decline<PrefetchValue>(),
            };
        }

        return result;
    }

    private static FhirAuthorization? ReadAuthorization(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            FhirStreamReader.Decline();
        }

        string? token = null, type = null, scope = null, subject = null, patient = null;
        var seen = 0;
        while (FhirStreamReader.NextProperty(ref r))
        {
            var name = r.ValueSpan;
            r.Read();
            if (name.SequenceEqual("access_token"u8)) { Once(ref seen, 1); token = EnvelopeString(ref r); }
            else if (name.SequenceEqual("token_type"u8)) { Once(ref seen, 2); type = EnvelopeString(ref r); }
            else if (name.SequenceEqual("scope"u8)) { Once(ref seen, 4); scope = EnvelopeString(ref r); }
            else if (name.SequenceEqual("subject"u8)) { Once(ref seen, 8); subject = EnvelopeString(ref r); }
            else if (name.SequenceEqual("patient"u8)) { Once(ref seen, 16); patient = EnvelopeString(ref r); }
            else { r.Skip(); }
        }

        if (string.IsNullOrWhiteSpace(token) || (type is not null && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase)))
        {
            FhirStreamReader.Decline();
        }

        return new FhirAuthorization(token, type, scope, subject, patient);
    }

    private static List<string>? ReadStrings(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            FhirStreamReader.Decline();
        }

        var list = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            list.Add(r.TokenType == JsonTokenType.String ? r.GetString()! : FhirStreamReader.Decline<string>());
        }

        return list;
    }

    /// <summary>An envelope string: any string (the checks come later) or null; another type is declined.</summary>
    private static string? EnvelopeString(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => r.GetString(),
        JsonTokenType.Null => null,
        _ => FhirStreamReader.Decline<string>(),
    };

    /// <summary>An envelope key given twice: which one counts is the checked reader's call.</summary>
    private static void Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0)
        {
            FhirStreamReader.Decline();
        }

        seen |= bit;
    }
}
