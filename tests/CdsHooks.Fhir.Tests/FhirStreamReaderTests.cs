using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace CdsHooks.Fhir.Tests;

/// <summary>
/// <see cref="FhirStreamReader.TryRead"/> is the fast path for FHIR server answers: whatever it accepts must read
/// exactly as the checked reader reads it, and what it declines must still be read (or refused) by the checked path.
/// </summary>
public sealed class FhirStreamReaderTests
{
    /// <summary>Every resource in the fixture requests (each draft Bundle and prefetch value), compact, as a server sends it.</summary>
    public static TheoryData<string, string> FixtureResources()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "fhir-fixtures"), "request.json", SearchOption.AllDirectories).Order())
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(File.ReadAllBytes(file));
            }
            catch (JsonException)
            {
                continue; // the malformed-JSON fixtures
            }

            using (document)
            {
                var name = Path.GetFileName(Path.GetDirectoryName(file)!);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (root.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object &&
                    context.TryGetProperty("draftOrders", out var drafts) && drafts.ValueKind == JsonValueKind.Object)
                {
                    data.Add($"{name} draftOrders", JsonSerializer.Serialize(drafts));
                }

                if (root.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == JsonValueKind.Object)
                {
                    foreach (var value in prefetch.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object))
                    {
                        data.Add($"{name} prefetch.{value.Name}", JsonSerializer.Serialize(value.Value));
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureResources))]
    public void Fixture_OnePassReadsAsTheCheckedReader(string where, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using var document = JsonDocument.Parse(bytes);
        var (expected, _, problem) = FhirJson.ReadChecked(document.RootElement);

        var onePass = FhirStreamReader.TryRead(bytes);
        var viaBytes = FhirJson.ReadChecked(bytes);

        if (onePass is not null)
        {
            Assert.True(problem is null, $"{where}: read in one pass, but the checked reader finds: {problem}");
            Assert.Equal(FhirJson.Serialize(expected!), FhirJson.Serialize(onePass));
        }

        Assert.Equal(problem, viaBytes.Problem);
        Assert.Equal(expected is null ? null : FhirJson.Serialize(expected), viaBytes.Resource is null ? null : FhirJson.Serialize(viaBytes.Resource));
    }

    [Fact]
    public void FullPrefetchFixture_IsReadInOnePass()
    {
        // Otherwise the fast path would be dead code for the answers it is meant for.
        var read = FixtureResources().Count(row => FhirStreamReader.TryRead(Encoding.UTF8.GetBytes((string)row[1])) is not null);

        Assert.True(read > FixtureResources().Count / 2, $"only {read} fixture resources were read in one pass");
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"p1"} {"resourceType":"Patient"}""")] // two values
    [InlineData("""{"resourceType":"Patient","id":"p1"}x""")]                          // trailing garbage
    [InlineData("""{"resourceType":"Patient","id":"p1\""")]                           // truncated
    public void NotOneJsonValue_DeclinedAndRefused(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Null(FhirStreamReader.TryRead(bytes));
        Assert.ThrowsAny<JsonException>(() => FhirJson.ReadChecked(bytes));
    }

    [Theory]
    [InlineData("""{"id":"o1","resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing"}]}""", typeof(OperationOutcome))]
    [InlineData("""{"id":"p1","resourceType":"Patient","gender":"female"}""", typeof(Patient))] // resourceType not first
    [InlineData("""  {"resourceType":"Patient","id":"p1"}  """, typeof(Patient))]              // whitespace around
    public void Unusual_ReadByTheCheckedPath(string json, Type type)
    {
        var (resource, _, problem) = FhirJson.ReadChecked(Encoding.UTF8.GetBytes(json));

        Assert.Null(problem);
        Assert.IsType(type, resource);
    }

    [Fact]
    public void BrokenFhir_NamedByTheCheckedPath()
    {
        var (resource, path, problem) = FhirJson.ReadChecked(
            """{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","valueQuantity":{"value":1,"unit":""}}}]}"""u8.ToArray());

        Assert.Null(resource);
        Assert.NotNull(problem);
        Assert.Contains("entry[0]", path, StringComparison.Ordinal);
    }

    private const string TwoAdministrations =
        """{"resourceType":"Bundle","entry":[""" +
        """{"resource":{"resourceType":"MedicationAdministration","id":"a1","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"224905"}],"text":"trastuzumab"}}},""" +
        """{"resource":{"resourceType":"MedicationAdministration","id":"a2","subject":{"reference":"Patient/p1"},"medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"CODE99"}],"text":"trastuzumab"}}}]}""";

    private static MedicationAdministration[] Administrations(Resource? bundle) =>
        [.. Assert.IsType<Bundle>(bundle).Entry!.Select(e => Assert.IsType<MedicationAdministration>(e.Resource))];

    [Fact]
    public void RepeatedObjects_WithinOneInput_AreOneInstance()
    {
        var repeated = TwoAdministrations.Replace("CODE99", "224905", StringComparison.Ordinal);

        var read = Administrations(FhirStreamReader.TryRead(Encoding.UTF8.GetBytes(repeated)));

        Assert.Same(read[0].Subject, read[1].Subject);
        Assert.Same(read[0].MedicationCodeableConcept, read[1].MedicationCodeableConcept);
    }

    [Fact]
    public void ObjectsThatDiffer_AreNotShared()
    {
        var read = Administrations(FhirStreamReader.TryRead(Encoding.UTF8.GetBytes(TwoAdministrations)));

        Assert.Equal("224905", read[0].MedicationCodeableConcept!.Coding![0].Code);
        Assert.Equal("CODE99", read[1].MedicationCodeableConcept!.Coding![0].Code);
    }

    [Fact]
    public void RepeatedObjects_InTwoInputs_AreNotShared()
    {
        var bytes = Encoding.UTF8.GetBytes(TwoAdministrations);

        var first = Administrations(FhirStreamReader.TryRead(bytes));
        var second = Administrations(FhirStreamReader.TryRead(bytes.ToArray()));

        Assert.NotSame(first[0].Subject, second[0].Subject);
        Assert.Equal(first[0].Subject, second[0].Subject);
    }

    [Fact]
    public void ReaderOverOtherBytes_InsideAScope_ReadsItsOwnValues()
    {
        // The scope's input repeats the coding; the other input has a different code at the very same offsets. A lookup
        // that trusted the scope's bytes for the other reader would hand it the first coding twice.
        var scopeInput = Encoding.UTF8.GetBytes(TwoAdministrations.Replace("CODE99", "224905", StringComparison.Ordinal));
        var other = Encoding.UTF8.GetBytes(TwoAdministrations.Replace("CODE99", "999999", StringComparison.Ordinal));
        Assert.Equal(scopeInput.Length, other.Length);

        using var sharing = FhirStreamReader.ShareRepeats(scopeInput);
        var r = new Utf8JsonReader(other);
        r.Read();
        var read = Administrations(FhirStreamReader.ReadResource(ref r));

        Assert.Equal("224905", read[0].MedicationCodeableConcept!.Coding![0].Code);
        Assert.Equal("999999", read[1].MedicationCodeableConcept!.Coding![0].Code);
    }

    [Theory]
    [MemberData(nameof(FixtureResources))]
    public void Fixture_SharingChangesNoValue(string where, string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var shared = FhirStreamReader.TryRead(bytes);
        var r = new Utf8JsonReader(bytes); // no scope: nothing shared
        r.Read();
        Resource? unshared;
        try
        {
            unshared = FhirStreamReader.ReadResource(ref r);
        }
        catch (Exception ex) when (ex is FhirReadDeclinedException or JsonException or InvalidOperationException)
        {
            unshared = null;
        }

        Assert.True((shared is null) == (unshared is null), $"{where}: declined with sharing {shared is null}, without {unshared is null}");
        if (shared is not null)
        {
            Assert.Equal(FhirJson.Serialize(unshared!), FhirJson.Serialize(shared));
        }
    }

    private const string ObservationEntry =
        """{"resource":{"resourceType":"Observation","id":"oI","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]},{"text":"cI3"}],""" +
        """ "code":{"coding":[{"system":"http://loinc.org","code":"CODE"},{"system":"urn:local","code":"xI"}]},"valueQuantity":{"value":I7,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"},""" +
        """ "referenceRange":[{"low":{"value":1,"unit":"mg"},"high":{"value":I5,"unit":"mg"}}]}}""";

    private static string Observation(int i, string code) => ObservationEntry
        .Replace("I3", (i % 3).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("I5", (i % 5).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("I7", (i % 7).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("I", i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("CODE", code, StringComparison.Ordinal);

    private static string Observations(int count, string code = "2345-7") =>
        """{"resourceType":"Bundle","type":"searchset","entry":[""" + string.Join(",", Enumerable.Range(0, count).Select(i => Observation(i, code))) + "]}";

    private static void AssertReadsAsTheCheckedReader(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var onePass = FhirStreamReader.TryRead(bytes);
        var (expected, _, problem) = FhirJson.ReadChecked(bytes);

        Assert.Null(problem);
        Assert.NotNull(onePass);
        Assert.Equal(FhirJson.Serialize(expected!), FhirJson.Serialize(onePass));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(3000)] // past what the thread keeps of its array scratch
    public void NestedArrays_ReadAsTheCheckedReader(int count) => AssertReadsAsTheCheckedReader(Observations(count));

    [Theory]
    [InlineData("""{"coding":[{"system":"urn:local","code":"x"},null]}""", typeof(FhirReadDeclinedException))] // null item
    [InlineData("""{"coding":[{"system":"urn:local","code":""}]}""", typeof(FhirReadDeclinedException))]       // empty string
    [InlineData("""{"coding":[{"system":"urn:local","code":"x"},{"code":"y"]}""", typeof(JsonException))]    // broken JSON
    public void ArraysLeftMidway_LeaveTheNextReadWhole(string brokenCode, Type thrown)
    {
        // The fifth entry fails two arrays deep (inside its code's coding, inside the entries): items of both arrays were
        // waiting when it threw. Read with no scope, so the failure reaches here instead of being caught as a decline.
        var broken = Observations(8).Replace("""{"coding":[{"system":"http://loinc.org","code":"2345-7"},{"system":"urn:local","code":"x4"}]}""", brokenCode, StringComparison.Ordinal);
        Assert.NotEqual(Observations(8), broken);
        var exception = Record.Exception(() =>
        {
            var r = new Utf8JsonReader(Encoding.UTF8.GetBytes(broken));
            r.Read();
            FhirStreamReader.ReadResource(ref r);
        });
        Assert.IsAssignableFrom(thrown, exception);
        AssertScratchHoldsNothing();

        AssertReadsAsTheCheckedReader(Observations(3, code: "718-7"));
        AssertReadsAsTheCheckedReader(Observations(40));
    }

    /// <summary>White-box, by reflection: the reader's per-thread array scratch must neither keep a failed read's items
    /// alive nor leave its top raised (each failure would then leak slots), which no value read afterwards shows.</summary>
    private static void AssertScratchHoldsNothing()
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
        var scratch = typeof(FhirStreamReader).GetField("t_items", Private)!.GetValue(null)!;
        Assert.Equal(0, (int)scratch.GetType().GetProperty("Top")!.GetValue(scratch)!);
        Assert.All((object?[])scratch.GetType().GetField("_items", Private)!.GetValue(scratch)!, Assert.Null);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "CdsHooks.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("CdsHooks.sln not found above " + AppContext.BaseDirectory);
    }
}
