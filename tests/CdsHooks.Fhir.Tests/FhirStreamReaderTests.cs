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
