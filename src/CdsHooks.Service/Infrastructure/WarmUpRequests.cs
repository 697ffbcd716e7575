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

    /// <summary>A made-up chart shaped as EHRs send one (meta, identifiers, references with display, dosages, reference
    /// ranges, a referenced Medication included in the Bundle), so that the warm-up reads the elements real answers carry.</summary>
    private static string Canned(string type)
    {
        const string Meta = "\"meta\": {\"versionId\": \"1\", \"lastUpdated\": \"2026-11-01T10:02:11Z\", \"source\": \"#warm-up\"}";
        const string Subject = "\"subject\": {\"reference\": \"Patient/warm-up-patient\", \"display\": \"Warm Up\"}";
        return type switch
        {
            "Patient" => $$$"""
                {"resourceType": "Patient", "id": "warm-up-patient", {{{Meta}}}, "identifier": [{"system": "urn:oid:2.16.840.1.113883.4.1", "value": "000-00-0000"}],
                 "active": true, "name": [{"use": "official", "family": "Up", "given": ["Warm"]}], "gender": "female", "birthDate": "1962-05-14",
                 "address": [{"line": ["1 Loopback Road"], "city": "Localhost", "postalCode": "00000", "country": "XX"}]}
                """,
            "Condition" => Searchset(type, $$$"""
                {"resourceType": "Condition", "id": "warm-up-c1", {{{Meta}}}, "identifier": [{"system": "urn:warm-up", "value": "c1"}],
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active", "display": "Active"}]},
                 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed", "display": "Confirmed"}]},
                 "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "problem-list-item", "display": "Problem List Item"}]}],
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C50.911", "display": "Malignant neoplasm of right female breast"}], "text": "Breast cancer"},
                 "bodySite": [{"coding": [{"system": "http://snomed.info/sct", "code": "80248007", "display": "Left breast structure"}]}],
                 "stage": [{"summary": {"coding": [{"system": "http://snomed.info/sct", "code": "258228008", "display": "Stage 4"}]}}],
                 {{{Subject}}}, "onsetDateTime": "2023-02-10", "recordedDate": "2023-02-12T09:00:00Z", "recorder": {"reference": "Practitioner/warm-up", "display": "Dr. Warm"}},
                {"resourceType": "Condition", "id": "warm-up-c2", {{{Meta}}},
                 "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C78.7"}], "text": "Secondary malignant neoplasm of liver"},
                 {{{Subject}}}, "onsetDateTime": "2024-11-02"}
                """),
            "Observation" => Searchset(type, $$$"""
                {"resourceType": "Observation", "id": "warm-up-o1", {{{Meta}}}, "identifier": [{"system": "urn:warm-up", "value": "o1"}], "status": "final",
                 "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory", "display": "Laboratory"}]}],
                 "code": {"coding": [{"system": "http://loinc.org", "code": "85337-4"}], "text": "ER"}, {{{Subject}}},
                 "effectiveDateTime": "2023-02-14", "issued": "2023-02-15T08:00:00Z", "performer": [{"reference": "Organization/lab", "display": "Lab"}],
                 "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6576-8", "display": "Positive"}]}},
                {"resourceType": "Observation", "id": "warm-up-o2", {{{Meta}}}, "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "85319-2"}], "text": "HER2"}, {{{Subject}}},
                 "effectiveDateTime": "2023-02-14", "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA6576-8", "display": "Positive"}]}},
                {"resourceType": "Observation", "id": "warm-up-o3", {{{Meta}}}, "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}], "text": "Weight"}, {{{Subject}}},
                 "effectiveDateTime": "2026-11-01", "valueQuantity": {"value": 68, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}},
                {"resourceType": "Observation", "id": "warm-up-o4", {{{Meta}}}, "status": "final",
                 "code": {"coding": [{"system": "http://loinc.org", "code": "777-3"}], "text": "Platelets"}, {{{Subject}}},
                 "effectiveDateTime": "2026-11-01", "issued": "2026-11-01T12:00:00Z",
                 "valueQuantity": {"value": 210, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"},
                 "referenceRange": [{"low": {"value": 150, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"},
                                     "high": {"value": 400, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"}}]}
                """),
            "MedicationRequest" => Searchset(type, $$$"""
                {"resourceType": "MedicationRequest", "id": "warm-up-mr1", {{{Meta}}}, "identifier": [{"system": "urn:warm-up", "value": "mr1"}],
                 "status": "completed", "intent": "order",
                 "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category", "code": "outpatient", "display": "Outpatient"}]}],
                 "medicationReference": {"reference": "Medication/warm-up-med", "display": "HERCEPTIN 150 MG IV SOLR"},
                 {{{Subject}}}, "authoredOn": "2025-01-05T09:30:00Z", "requester": {"reference": "Practitioner/warm-up", "display": "Dr. Warm"},
                 "dosageInstruction": [{"sequence": 1, "text": "6 mg/kg IV every 21 days",
                   "timing": {"repeat": {"boundsPeriod": {"start": "2025-01-05", "end": "2025-09-01"} } } }]},
                {"resourceType": "MedicationRequest", "id": "warm-up-mr2", {{{Meta}}}, "status": "stopped", "intent": "order",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1298944", "display": "pertuzumab"}], "text": "Perjeta"},
                 {{{Subject}}}, "authoredOn": "2025-01-05T09:30:00Z"},
                {"resourceType": "Medication", "id": "warm-up-med", {{{Meta}}},
                 "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "224905", "display": "trastuzumab"}], "text": "Herceptin"}}
                """),
            "MedicationStatement" => Searchset(type, $$$"""
                {"resourceType": "MedicationStatement", "id": "warm-up-ms1", {{{Meta}}}, "status": "completed",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "72965", "display": "letrozole"}], "text": "Femara"},
                 {{{Subject}}}, "effectivePeriod": {"start": "2025-01-05", "end": "2025-09-01"}, "dateAsserted": "2025-09-02",
                 "informationSource": {"reference": "Practitioner/warm-up"}, "dosage": [{"text": "2.5 mg by mouth daily"}]}
                """),
            "MedicationAdministration" => Searchset(type, $$$"""
                {"resourceType": "MedicationAdministration", "id": "warm-up-ma1", {{{Meta}}}, "identifier": [{"system": "urn:warm-up", "value": "ma1"}],
                 "status": "completed",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "224905", "display": "trastuzumab"}], "text": "Herceptin"},
                 {{{Subject}}}, "context": {"reference": "Encounter/warm-up"}, "effectiveDateTime": "2025-01-10T10:00:00Z",
                 "performer": [{"actor": {"reference": "Practitioner/warm-up", "display": "Nurse Warm"}}], "request": {"reference": "MedicationRequest/warm-up-mr1"},
                 "dosage": {"text": "408 mg IV", "route": {"coding": [{"system": "http://snomed.info/sct", "code": "47625008", "display": "Intravenous route"}]},
                            "dose": {"value": 408, "unit": "mg", "system": "http://unitsofmeasure.org", "code": "mg"} } }
                """),
            _ => """{"resourceType": "Bundle", "type": "searchset", "total": 0}""",
        };
    }

    /// <summary>A searchset Bundle of <paramref name="resources"/> (resource objects separated by commas) as a server
    /// pages one: id, meta, total, a self link, fullUrl and search mode (a Medication is an include).</summary>
    private static string Searchset(string type, string resources)
    {
        var entries = new JsonArray();
        foreach (var resource in JsonNode.Parse("[" + resources + "]")!.AsArray())
        {
            var resourceType = (string)resource!["resourceType"]!;
            entries.Add(new JsonObject
            {
                ["fullUrl"] = $"http://127.0.0.1/fhir/{resourceType}/{(string)resource["id"]!}",
                ["resource"] = resource.DeepClone(),
                ["search"] = new JsonObject { ["mode"] = resourceType == type ? "match" : "include" },
            });
        }

        return new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["id"] = "warm-up-" + type,
            ["meta"] = new JsonObject { ["lastUpdated"] = "2026-11-20T08:59:58Z" },
            ["type"] = "searchset",
            ["total"] = entries.Count(e => (string)e!["search"]!["mode"]! == "match"),
            ["link"] = new JsonArray(new JsonObject { ["relation"] = "self", ["url"] = $"http://127.0.0.1/fhir/{type}?patient=warm-up-patient" }),
            ["entry"] = entries,
        }.ToJsonString();
    }
}
