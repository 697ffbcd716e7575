using System.Text.Json.Nodes;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Prefetch;

namespace CdsHooks.Service.Infrastructure;

/// <summary>One call of the warm-up: the hook request and, by resource type, what its FHIR server answers.</summary>
internal sealed record WarmUpCall(string ServiceId, string Body, IReadOnlyDictionary<string, string> Answers);

/// <summary>The warm-up's hook requests, all without prefetch so that every key is read from the FHIR server, and its
/// loopback FHIR server's answers: a made-up patient (T-DM1 with letrozole, which always gives a card) and the demo
/// patients, none of them a real one.</summary>
internal static class WarmUpRequests
{
    private const string Patient = "warm-up-patient";

    private const string Drafts = """
        {"resourceType": "Bundle", "type": "collection", "entry": [
          {"resource": {"resourceType": "MedicationRequest", "id": "warm-up-tdm1", "status": "draft", "intent": "order",
            "subject": {"reference": "Patient/warm-up-patient"},
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1371041", "display": "ado-trastuzumab emtansine"}], "text": "Kadcyla (ado-trastuzumab emtansine) IV"},
            "dosageInstruction": [{"timing": {"repeat": {"frequency": 1, "period": 21, "periodUnit": "d"}},
              "doseAndRate": [{"doseQuantity": {"value": 3.6, "unit": "mg/kg", "system": "http://unitsofmeasure.org", "code": "mg/kg"}}]}]}},
          {"resource": {"resourceType": "MedicationRequest", "id": "warm-up-letrozole", "status": "draft", "intent": "order",
            "subject": {"reference": "Patient/warm-up-patient"},
            "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "72965", "display": "letrozole"}], "text": "letrozole 2.5 mg tablet"}}}
        ]}
        """;

    /// <summary>The calls of the warm-up: T-DM1 with letrozole on both hooks with the canned answers below, then each
    /// demo patient (<paramref name="demoPatients"/>, the fixtures copied next to the binaries) on its own hook with its
    /// chart as the FHIR server's answers. Call <c>i</c> reads from <c>{fhirServer}/{i}/</c>.</summary>
    public static IReadOnlyList<WarmUpCall> Calls(Uri fhirServer, string demoPatients)
    {
        var calls = new List<WarmUpCall>();
        string Server(int i) => new Uri(fhirServer, $"{i}/").ToString();
        var canned = Keys.ToDictionary(k => k.Type, k => Canned(k.Type), StringComparer.Ordinal);
        calls.Add(new(CdsServiceCatalog.OrderSignId, Request("order-sign", Server(0), ""), canned));
        calls.Add(new(CdsServiceCatalog.OrderSelectId, Request("order-select", Server(1), "\"selections\": [\"MedicationRequest/warm-up-tdm1\"],"), canned));
        if (!Directory.Exists(demoPatients))
        {
            return calls;
        }

        foreach (var file in Directory.EnumerateFiles(demoPatients, "*.json").Order(StringComparer.Ordinal))
        {
            if (JsonNode.Parse(File.ReadAllText(file)) is not JsonObject request || request["hook"]?.GetValue<string>() is not { } hook)
            {
                continue;
            }

            var prefetch = request["prefetch"] as JsonObject;
            var answers = Keys.ToDictionary(
                k => k.Type,
                k => prefetch?[k.Key]?.ToJsonString() ?? Canned(k.Type),
                StringComparer.Ordinal);
            request.Remove("prefetch");
            request["hookInstance"] = "warm-up-" + Path.GetFileNameWithoutExtension(file);
            request["fhirServer"] = Server(calls.Count);
            request["fhirAuthorization"] = new JsonObject { ["access_token"] = "warm-up", ["token_type"] = "Bearer", ["expires_in"] = 60, ["scope"] = "patient/*.read", ["subject"] = "warm-up" };
            var id = hook == "order-select" ? CdsServiceCatalog.OrderSelectId : CdsServiceCatalog.OrderSignId;
            calls.Add(new(id, request.ToJsonString(), answers));
        }

        return calls;
    }

    private static readonly (string Key, string Type)[] Keys =
    [
        (PrefetchKeys.Patient, "Patient"),
        (PrefetchKeys.Conditions, "Condition"),
        (PrefetchKeys.Observations, "Observation"),
        (PrefetchKeys.MedicationRequests, "MedicationRequest"),
        (PrefetchKeys.MedicationStatements, "MedicationStatement"),
        (PrefetchKeys.MedicationAdministrations, "MedicationAdministration"),
    ];

    private static string Request(string hook, string fhirServer, string selections) => $$"""
        {"hookInstance": "warm-up-{{hook}}", "hook": "{{hook}}", "fhirServer": "{{fhirServer}}",
         "fhirAuthorization": {"access_token": "warm-up", "token_type": "Bearer", "expires_in": 60, "scope": "patient/*.read", "subject": "warm-up"},
         "context": {"userId": "Practitioner/warm-up", "patientId": "{{Patient}}", {{selections}} "draftOrders": {{Drafts}} } }
        """;

    /// <summary>The loopback server's answer to a GET of <paramref name="target"/> (<c>/fhir/{call}/{type}...</c>).</summary>
    public static string Answer(IReadOnlyList<WarmUpCall> calls, string target)
    {
        var segments = target.Split('?', 2)[0].Split('/', StringSplitOptions.RemoveEmptyEntries); // fhir, call, type[, id]
        return segments.Length >= 3 && int.TryParse(segments[1], out var call) && call >= 0 && call < calls.Count
            && calls[call].Answers.TryGetValue(segments[2], out var answer)
            ? answer
            : Canned(segments.Length >= 3 ? segments[2] : "");
    }

    private static string Canned(string type)
    {
        return type switch
        {
            "Patient" => """{"resourceType": "Patient", "id": "warm-up-patient", "gender": "female", "birthDate": "1962-05-14"}""",
            "Condition" => Searchset("""
                {"resourceType": "Condition", "id": "warm-up-c1",
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.911"}], "text": "Malignant neoplasm of right female breast"},
                 "subject": {"reference": "Patient/warm-up-patient"}, "onsetDateTime": "2023-02-10"},
                {"resourceType": "Condition", "id": "warm-up-c2",
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C78.7"}], "text": "Secondary malignant neoplasm of liver"},
                 "subject": {"reference": "Patient/warm-up-patient"}, "onsetDateTime": "2024-11-02"}
                """),
            "Observation" => Searchset("""
                {"resourceType": "Observation", "id": "warm-up-o1", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "85337-4"}]}, "subject": {"reference": "Patient/warm-up-patient"},
                 "effectiveDateTime": "2023-02-14", "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6576-8", "display": "Positive"}]}},
                {"resourceType": "Observation", "id": "warm-up-o2", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "85319-2"}]}, "subject": {"reference": "Patient/warm-up-patient"},
                 "effectiveDateTime": "2023-02-14", "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6576-8", "display": "Positive"}]}},
                {"resourceType": "Observation", "id": "warm-up-o3", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]}, "subject": {"reference": "Patient/warm-up-patient"},
                 "effectiveDateTime": "2026-11-01", "valueQuantity": {"value": 68, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}},
                {"resourceType": "Observation", "id": "warm-up-o4", "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}]}, "subject": {"reference": "Patient/warm-up-patient"},
                 "effectiveDateTime": "2026-11-01", "valueQuantity": {"value": 210000, "unit": "/uL", "system": "http://unitsofmeasure.org", "code": "/uL"}}
                """),
            "MedicationRequest" => Searchset("""
                {"resourceType": "MedicationRequest", "id": "warm-up-mr1", "status": "completed", "intent": "order",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "224905", "display": "trastuzumab"}]},
                 "subject": {"reference": "Patient/warm-up-patient"}, "authoredOn": "2025-01-05"}
                """),
            "MedicationStatement" => Searchset("""
                {"resourceType": "MedicationStatement", "id": "warm-up-ms1", "status": "completed",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "72965", "display": "letrozole"}]},
                 "subject": {"reference": "Patient/warm-up-patient"}, "effectivePeriod": {"start": "2025-01-05", "end": "2025-09-01"}}
                """),
            "MedicationAdministration" => Searchset("""
                {"resourceType": "MedicationAdministration", "id": "warm-up-ma1", "status": "completed",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "224905", "display": "trastuzumab"}]},
                 "subject": {"reference": "Patient/warm-up-patient"}, "effectiveDateTime": "2025-01-10T10:00:00Z"}
                """),
            _ => """{"resourceType": "Bundle", "type": "searchset", "total": 0}""",
        };
    }

    /// <summary>A searchset Bundle of <paramref name="resources"/> (resource objects separated by commas).</summary>
    private static string Searchset(string resources)
    {
        var entries = new JsonArray();
        foreach (var resource in JsonNode.Parse("[" + resources + "]")!.AsArray())
        {
            entries.Add(new JsonObject { ["resource"] = resource!.DeepClone() });
        }

        return new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = entries }.ToJsonString();
    }
}
