using System.Text;
using System.Text.Json;
using CdsHooks.Engine.Fhir;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Tests.Hooks.Fuzz;
using CdsHooks.Service.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Xunit.Abstractions;

namespace CdsHooks.Service.Tests.Hooks;

/// <summary>
/// The service's shortcut reader against Firely's deserializer: wherever the shortcut reads a resource, Firely reads
/// the same resource without a fault, into objects that are <c>IsExactly</c> equal and serialize to the same bytes,
/// and leaves the reader at the same place. Run on every resource (at any depth) of every fixture request and of the
/// fuzz corpus; where the shortcut declines, Firely reads the resource as before.
/// </summary>
public sealed class WellFormedResourceReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void TryRead_EveryFixtureResource_SameAsFirely()
    {
        var tally = new Tally();
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "fhir-fixtures"), "request.json", SearchOption.AllDirectories))
        {
            Compare(File.ReadAllBytes(file), Path.GetFileName(Path.GetDirectoryName(file))!, tally);
        }

        output.WriteLine(tally.ToString());
        Assert.Empty(tally.Mismatches);
        Assert.True(tally.Read > 1000, tally.ToString());
        // The fixtures are mostly well-formed FHIR: the shortcut must be the common path, not the exception.
        Assert.True(tally.Read >= 0.9 * tally.Resources, tally.ToString());
    }

    [Theory]
    [InlineData("perf-full-prefetch-year-of-history")]
    [InlineData("perf-full-prefetch-order-select")]
    [InlineData("q03-sandbox-bundle-without-type")]
    public void TryRead_RealisticRequest_ReadsEveryResource(string fixture)
    {
        var tally = new Tally();
        Compare(File.ReadAllBytes(Path.Combine(Repo.Root, "fhir-fixtures", fixture, "request.json")), fixture, tally);

        Assert.Empty(tally.Mismatches);
        Assert.True(tally.Resources > 0);
        Assert.Equal(tally.Resources, tally.Read);
    }

    /// <summary>1,500 cases of the fuzz corpus (<c>FUZZ_SEED</c> as for <c>FuzzTests</c>).</summary>
    [Fact]
    public void TryRead_FuzzCorpus_SameAsFirelyAndNeverThrows()
    {
        var tally = new Tally();
        var seeds = FuzzSeed.LoadAll();
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var chosen) ? chosen : 20261120;
        for (var i = 0; i < 1500; i++)
        {
            var fuzz = FuzzCase.Create(seed, i, seeds);
            Compare(fuzz.Body, $"fuzz {i} ({fuzz.Seed}: {fuzz.Mutations})", tally);
        }

        output.WriteLine(tally.ToString());
        Assert.Empty(tally.Mismatches);
        Assert.True(tally.Declined > 100, "the corpus should reach the cases left to Firely: " + tally);
    }

    /// <summary>What real clients send that only Firely may judge: the shortcut declines each of them.</summary>
    [Theory]
    [InlineData("""{"resourceType":"MedicationRequest","status":"draft","intent":"order","category":{"text":"outpatient"}}""")]
    [InlineData("""{"resourceType":"MedicationRequest","status":"draft","intent":"order","reasonCode":{"text":"mBC"}}""")]
    [InlineData("""{"resourceType":"MedicationRequest","status":"draft","foo":"bar"}""")]
    [InlineData("""{"resourceType":"MedicationRequest","status":""}""")]
    [InlineData("""{"resourceType":"MedicationRequest","status":null}""")]
    [InlineData("""{"resourceType":"MedicationRequest","status":"draft","status":"active"}""")]
    [InlineData("""{"resourceType":"MedicationRequest","note":[]}""")]
    [InlineData("""{"resourceType":"MedicationRequest","subject":{}}""")]
    [InlineData("""{"resourceType":"Observation","valueQuantity":{"value":"12"}}""")]
    [InlineData("""{"resourceType":"Observation","valueQuantity":{"value":12},"valueString":"12"}""")]
    [InlineData("""{"resourceType":"Observation","valueMoney":{"value":12}}""")]
    [InlineData("""{"resourceType":"Patient","name":[{"given":["A","B"],"_given":[null,{"extension":[{"url":"x","valueString":"y"}]}]}]}""")]
    [InlineData("""{"resourceType":"Patient","photo":[{"data":"AAAA"}]}""")]
    [InlineData("""{"resourceType":"Resource","id":"x"}""")]
    [InlineData("""{"resourceType":"Unknown","id":"x"}""")]
    [InlineData("""{"id":"x"}""")]
    [InlineData("""{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","code":{"text":"x"}}}]}""")]
    public void TryRead_SomethingOnlyFirelyJudges_Declines(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();

        Assert.Null(WellFormedResourceReader.TryRead(ref reader));
    }

    /// <summary>Inputs the fixtures do not hold: profiles (<c>Meta.profile</c> is a list of an abstract type in the
    /// model), tags and security labels, a choice element's <c>_</c> part before another type of it, extensions on
    /// extensions, contained resources and escaped names. Each is read as Firely reads it, or declined.</summary>
    [Theory]
    [InlineData("""{"resourceType":"Patient","meta":{"versionId":"2","lastUpdated":"2026-11-20T08:00:00Z","profile":["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"],"tag":[{"system":"urn:x","code":"t"}],"security":[{"code":"R"}]},"gender":"female"}""", true)]
    [InlineData("""{"resourceType":"MedicationStatement","status":"active","subject":{"reference":"Patient/1"},"medicationCodeableConcept":{"text":"letrozole"},"_effectiveDateTime":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]},"effectivePeriod":{"start":"2026-01-01"}}""", false)]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"_valueString":{"id":"v"},"valueQuantity":{"value":1}}""", false)]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","_valueString":{"id":"v"}}""", true)]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":[{"url":"a","extension":[{"url":"b","valueBoolean":true}]}]}""", true)]
    [InlineData("""{"resourceType":"MedicationRequest","contained":[{"resourceType":"Medication","id":"m","code":{"text":"T-DM1"}}],"status":"draft","intent":"order","medicationReference":{"reference":"#m"},"subject":{"reference":"Patient/1"}}""", true)]
    [InlineData("""{"resourceType":"Patient","\u0067ender":"female","name":[{"family":"O\u2019Brien","given":["A","B"]}]}""", true)]
    public void TryRead_InputsTheFixturesDoNotHold_SameAsFirelyOrDeclined(string json, bool read)
    {
        var tally = new Tally();

        Compare(Encoding.UTF8.GetBytes(json), "input", tally);

        Assert.Empty(tally.Mismatches);
        Assert.Equal(read ? tally.Resources : 0, tally.Read); // a contained resource is compared on its own too
    }

    [Fact]
    public void TryRead_PrimitiveWithExtension_SameAsFirely()
    {
        const string json = """{"resourceType":"Patient","id":"p","birthDate":"1961-04-02","_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1961-04-02T08:00:00Z"}]},"_gender":{"id":"g"},"gender":"female"}""";
        var tally = new Tally();

        Compare(Encoding.UTF8.GetBytes(json), "primitive extension", tally);

        Assert.Empty(tally.Mismatches);
        Assert.Equal(1, tally.Read);
    }

    /// <summary>Compares the two readers on every object with a <c>resourceType</c> in the body.</summary>
    private static void Compare(byte[] body, string where, Tally tally)
    {
        foreach (var (start, length) in ResourceObjects(body))
        {
            var span = body.AsSpan(start, length);
            tally.Resources++;
            var shortcut = new Utf8JsonReader(span);
            shortcut.Read();
            Resource? fast;
            try
            {
                fast = WellFormedResourceReader.TryRead(ref shortcut);
            }
#pragma warning disable CA1031 // any exception from the shortcut is a finding, with the input that caused it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                tally.Mismatches.Add($"{where} @{start}: the shortcut threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            if (fast is null)
            {
                tally.Declined++;
                continue;
            }

            tally.Read++;
            var firely = new Utf8JsonReader(span);
            firely.Read();
            Resource? expected;
            try
            {
                expected = JsonSerializer.Deserialize<Resource>(ref firely, FhirJson.Options);
            }
#pragma warning disable CA1031 // Firely faulting where the shortcut read is the finding
            catch (Exception ex)
#pragma warning restore CA1031
            {
                tally.Mismatches.Add($"{where} @{start}: the shortcut read what Firely faults ({ex.GetType().Name}: {ex.Message.Split('\n')[0]})");
                continue;
            }

            var fastJson = JsonSerializer.Serialize(fast, FhirJson.Options);
            var expectedJson = expected is null ? "null" : JsonSerializer.Serialize(expected, FhirJson.Options);
            if (expected is null || !fast.IsExactly(expected) || fastJson != expectedJson || shortcut.BytesConsumed != firely.BytesConsumed ||
                KeptAside(fast) || KeptAside(expected))
            {
                tally.Mismatches.Add($"{where} @{start}: differs from Firely\n  shortcut {fastJson}\n  Firely   {expectedJson}\n  " +
                    $"consumed {shortcut.BytesConsumed} against {firely.BytesConsumed}");
            }
        }
    }

    /// <summary>Whether anything anywhere in the object was kept aside (Firely's overflow: an element of the wrong type
    /// or shape); IsExactly does not compare it.</summary>
    private static bool KeptAside(Base node) =>
        node.HasOverflow || node.EnumerateElements().Any(element => element.Value switch
        {
            Base child => KeptAside(child),
            IEnumerable<Base> children => children.Any(KeptAside),
            _ => false,
        });

    /// <summary>Start and length of every complete JSON object that has a <c>resourceType</c> property, at any depth.
    /// A body that is not valid JSON gives the objects that closed before the break.</summary>
    private static List<(int Start, int Length)> ResourceObjects(byte[] body)
    {
        var found = new List<(int, int)>();
        var open = new Stack<(int Start, bool IsObject, bool HasType)>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        open.Push(((int)reader.TokenStartIndex, reader.TokenType == JsonTokenType.StartObject, false));
                        break;
                    case JsonTokenType.PropertyName when reader.ValueTextEquals("resourceType"u8) && open.Count > 0:
                        var top = open.Pop();
                        open.Push(top with { HasType = true });
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        var closed = open.Pop();
                        if (closed.IsObject && closed.HasType)
                        {
                            found.Add((closed.Start, (int)reader.BytesConsumed - closed.Start));
                        }

                        break;
                }
            }
        }
        catch (JsonException)
        {
            // the rest of a broken body: what closed before the break is compared
        }

        return found;
    }

    private sealed class Tally
    {
        public int Resources { get; set; }

        public int Read { get; set; }

        public int Declined { get; set; }

        public List<string> Mismatches { get; } = [];

        public override string ToString() =>
            $"{Resources} resources: {Read} read by the shortcut, {Declined} left to Firely, {Mismatches.Count} mismatches" +
            (Mismatches.Count > 0 ? "\n" + string.Join("\n", Mismatches.Take(10)) : string.Empty);
    }
}
