using System.Text;
using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using CdsHooks.Service.Hooks;
using Xunit.Abstractions;

namespace CdsHooks.Service.Tests.Fuzz;

/// <summary>
/// The one-pass request reader may decline anything, but what it accepts it must read exactly as the
/// checked reader does. Differential checks over every fixture and over fuzzed requests; and the
/// fixtures a sender would really send must not be declined (else the fast path is dead code).
/// </summary>
public sealed class OnePassReaderTests(ITestOutputHelper output)
{
    /// <summary>Fixtures the one-pass reader is expected to leave to the checked reader, and why.</summary>
    private static readonly Dictionary<string, string> ExpectedDeclines = new(StringComparer.Ordinal)
    {
        ["p01-prefetch-operationoutcome-and-null"] = "an OperationOutcome in the prefetch (the client failed): rare, left to the checked reader",
        ["p03-prefetch-invalid-content-degrades"] = "a prefetch value that breaks FHIR JSON: the checked reader names it and degrades the key",
    };

    public static TheoryData<string> Fixtures() => FuzzSeed.Names();

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_OnePassReadsAsTheCheckedReader(string fixture)
    {
        var seed = FuzzSeed.LoadAll().Single(s => s.Name == fixture);
        var body = Encoding.UTF8.GetBytes(seed.Request.ToJsonString());
        var service = ServiceFor(seed.Path)!;

        var checkedRead = RequestReader.ReadChecked(body, service);
        var onePass = RequestReader.TryReadOnePass(body, service);

        if (onePass is not null)
        {
            Assert.Null(checkedRead.Error);
            Assert.Equal(Describe(checkedRead.Request!), Describe(onePass));
            Assert.False(ExpectedDeclines.ContainsKey(fixture), $"{fixture} is listed as declined but was read in one pass");
        }
        else if (checkedRead.Error is null)
        {
            Assert.True(ExpectedDeclines.ContainsKey(fixture),
                $"{fixture}: a valid request the one-pass reader declined; list it with a reason if that is intended");
        }
    }

    [Fact]
    public void FuzzedRequests_WhatOnePassAccepts_TheCheckedReaderReadsTheSame()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_ITERATIONS"), out var n) ? n : 3000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var s) ? s : 20261121;
        var seeds = FuzzSeed.LoadAll();
        int accepted = 0, declined = 0, rejected = 0;
        for (var i = 0; i < iterations; i++)
        {
            var fuzz = FuzzCase.Create(seed, i, seeds);
            if (ServiceFor(fuzz.Path) is not { } service)
            {
                continue;
            }

            var onePass = RequestReader.TryReadOnePass(fuzz.Body, service);
            var checkedRead = RequestReader.ReadChecked(fuzz.Body, service);
            if (onePass is null)
            {
                if (checkedRead.Error is null) { declined++; } else { rejected++; }
                continue;
            }

            accepted++;
            Assert.True(checkedRead.Error is null,
                $"iteration {i} ({fuzz.Seed}: {fuzz.Mutations}): one pass accepted what the checked reader rejects: " +
                checkedRead.Error?.Outcome.Issue?[0].Diagnostics);
            var (expected, actual) = (Describe(checkedRead.Request!), Describe(onePass));
            Assert.True(expected == actual,
                $"iteration {i} ({fuzz.Seed}: {fuzz.Mutations}): read differently\nchecked: {expected}\none pass: {actual}");
        }

        output.WriteLine($"{iterations} cases: {accepted} read in one pass, {declined} valid but declined, {rejected} rejected by the checked reader");
        Assert.True(accepted > iterations / 20, $"only {accepted} of {iterations} fuzzed requests were read in one pass: the comparison says little");
    }

    [Theory]
    [InlineData("""{"id":"x","resourceType":"MedicationRequest","status":"active"}""")]        // resourceType not first
    [InlineData("""{"resourceType":"MedicationRequest","st\u0061tus":"active"}""")]            // escaped name
    [InlineData("""{"resourceType":"MedicationRequest","note":[{"text":"a"}],"_note":[null]}""")] // null beside '_'
    [InlineData("""{"resourceType":"MedicationRequest","extension":[{"url":"u","valueString":""}]}""")] // empty string
    [InlineData("""{"resourceType":"MedicationRequest","subject":{}}""")]                     // empty object
    [InlineData("""{"resourceType":"MedicationRequest","dosageInstruction":[{"sequence":1.5}]}""")] // wrong number
    public void UnusualOrBrokenDrafts_AreDeclined_AndTheCheckedReaderDecides(string draft)
    {
        var body = Encoding.UTF8.GetBytes(
            """{"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle","entry":[{"resource":"""
            + draft + "}]}}}");
        var service = CdsServiceCatalog.Services["triple-positive-order-sign"];

        Assert.Null(RequestReader.TryReadOnePass(body, service));
        var read = RequestReader.Read(body, service);
        Assert.True(read.Request is not null || read.Error is { Status: 400 });
    }

    [Fact]
    public void PrefetchWithBrokenContent_IsDeclined_AndDegradesToNotObtained()
    {
        var body = Encoding.UTF8.GetBytes(
            """{"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"observations":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","valueQuantity":{"value":1,"unit":""}}}]}}}""");
        var service = CdsServiceCatalog.Services["triple-positive-order-sign"];

        Assert.Null(RequestReader.TryReadOnePass(body, service));
        var read = RequestReader.Read(body, service);
        Assert.IsType<PrefetchValue.ClientError>(read.Request!.Prefetch["observations"]);
    }

    [Fact]
    public void PrefetchBundles_KeepNoEntryUrls_DraftsKeepTheirs_InBothReaders()
    {
        var body = Encoding.UTF8.GetBytes(
            """{"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle","entry":[{"fullUrl":"urn:uuid:d1","resource":{"resourceType":"MedicationRequest","status":"draft"}}]}},"prefetch":{"medicationRequests":{"resourceType":"Bundle","entry":[{"fullUrl":"https://ehr.example/fhir/Medication/m1","resource":{"resourceType":"Medication","id":"m1"}}]}}}""");
        var service = CdsServiceCatalog.Services["triple-positive-order-sign"];

        foreach (var request in new[] { RequestReader.TryReadOnePass(body, service)!, RequestReader.ReadChecked(body, service).Request! })
        {
            Assert.Equal("urn:uuid:d1", request.DraftOrders.Entry![0].FullUrl);
            var prefetched = Assert.IsType<Bundle>(Assert.IsType<PrefetchValue.Data>(request.Prefetch["medicationRequests"]).Resource);
            Assert.Null(prefetched.Entry![0].FullUrl);
            Assert.Equal("m1", prefetched.Entry[0].Resource!.Id);
        }
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("number")]
    [InlineData("not UTF-8")]
    public void PrefetchEntryUrl_NotKept_ButStillChecked(string fault)
    {
        byte[] fullUrl = fault switch
        {
            "empty" => "\"\""u8.ToArray(),
            "number" => "1"u8.ToArray(),
            _ => [(byte)'"', 0xFF, 0xFE, (byte)'"'],
        };
        byte[] body =
        [
            .. """{"hook":"order-sign","hookInstance":"h","context":{"patientId":"p","draftOrders":{"resourceType":"Bundle","entry":[]}},"prefetch":{"medicationRequests":{"resourceType":"Bundle","entry":[{"fullUrl":"""u8,
            .. fullUrl,
            .. ""","resource":{"resourceType":"Medication","id":"m1"}}]}}}"""u8,
        ];
        var service = CdsServiceCatalog.Services["triple-positive-order-sign"];

        Assert.Null(RequestReader.TryReadOnePass(body, service));
        Assert.IsType<PrefetchValue.ClientError>(RequestReader.Read(body, service).Request!.Prefetch["medicationRequests"]);
    }

    private static CdsServiceDefinition? ServiceFor(string path) =>
        CdsServiceCatalog.Services.TryGetValue(path["/cds-services/".Length..], out var service) ? service : null;

    /// <summary>Everything a request carries, as text, for comparison.</summary>
    private static string Describe(HookRequest request)
    {
        var text = new StringBuilder()
            .AppendLine($"{request.Service.Id} {request.HookInstance} {request.PatientId} {request.UserId} {request.FhirServer}")
            .AppendLine($"{request.FhirAuthorization?.AccessToken} {request.FhirAuthorization?.TokenType} {request.FhirAuthorization?.Scope} " +
                        $"{request.FhirAuthorization?.Subject} {request.FhirAuthorization?.Patient}")
            .AppendLine(FhirJson.Serialize(request.DraftOrders))
            .AppendLine(string.Join(",", request.Selections));
        foreach (var (key, value) in request.Prefetch.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append(": ").AppendLine(value switch
            {
                PrefetchValue.Data data => FhirJson.Serialize(data.Resource),
                PrefetchValue.ClientError error => "client error " + FhirJson.Serialize(error.Outcome),
                _ => "no data",
            });
        }

        return text.ToString();
    }
}
