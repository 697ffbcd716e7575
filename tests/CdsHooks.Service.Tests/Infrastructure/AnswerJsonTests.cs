using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Prefetch;
using CdsHooks.Service.Tests.Hooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Tests.Infrastructure;

/// <summary>
/// The hand-written answer writer must produce the bytes the generated serializer produces for the same answer
/// and writer options: every fixture's answer, the failure and unidentified-drug cards, an empty answer, and the
/// same shared part under two encoders (its JSON is kept per writer options).
/// </summary>
public sealed class AnswerJsonTests(AnswerJsonTests.Host server) : IClassFixture<AnswerJsonTests.Host>
{
    /// <summary>The host's options (the application's encoder) and the serializer's default encoder.</summary>
    private static readonly AnswerJson Relaxed = new(new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
    private static readonly AnswerJson Strict = new(new JsonWriterOptions { SkipValidation = true });

    public static TheoryData<string> Scenarios() => FixtureTests.Scenarios();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Write_FixtureAnswer_SameBytesAsSerializer(string scenario)
    {
        var answer = await AnswerFor(scenario);
        if (answer is null)
        {
            return; // a request the service rejects has no answer to write (FixtureTests checks the rejection)
        }

        AssertSameBytes(HostWriter(), answer);
        AssertSameBytes(Relaxed, answer);
        AssertSameBytes(Strict, answer);
    }

    [Fact]
    public async Task Write_FixturesCoverCardsSuggestionsAndUnidentifiedDrug()
    {
        // The byte comparison above only means something if the fixtures exercise every member.
        var answers = new List<CdsResponse>();
        foreach (var scenario in Scenarios())
        {
            if (await AnswerFor(scenario) is { } answer)
            {
                answers.Add(answer);
            }
        }

        var cards = answers.SelectMany(a => a.Cards).ToList();
        Assert.Contains(answers, a => a.Cards.Count == 0);
        Assert.Contains(cards, c => c.Extension?.RuleId == "drug-identity");
        Assert.Contains(cards, c => c.Suggestions?.Any(s => s.Actions.Any(a => a.Resource is MedicationRequest)) == true);
        Assert.Contains(cards, c => c.Suggestions?.Any(s => s.Actions.Any(a => a.ResourceId is not null)) == true);
        Assert.Contains(cards, c => c.Detail?.Contains('\n', StringComparison.Ordinal) == true);
        Assert.Contains(cards, c => c.Links is not null && c.OverrideReasons is not null);
    }

    [Fact]
    public void Write_FailureUnidentifiedAndEmptyAnswers_SameBytesAsSerializer()
    {
        var engine = server.Services.GetRequiredService<CdsEngine>();
        var renderer = new CardRenderer(engine.Knowledge);
        var failures = engine.Knowledge.Rules.Select(renderer.RenderFailure).ToList();
        var unidentified = renderer.RenderUnidentified(
        [
            new UnidentifiedOrder("MedicationRequest/draft-1", "the code says trastuzumab and the text says Kadcyla", IsFocus: true),
            new UnidentifiedOrder(null, "“fam-trastuzumab” alone names no product ± a brand", IsFocus: false),
        ]);

        foreach (var writer in new[] { HostWriter(), Relaxed, Strict })
        {
            AssertSameBytes(writer, new CdsResponse { Cards = failures });
            AssertSameBytes(writer, new CdsResponse { Cards = [unidentified, failures[0]] });
            AssertSameBytes(writer, new CdsResponse { Cards = [] });
        }

        Assert.Equal("{\"cards\":[]}", Text(HostWriter(), new CdsResponse { Cards = [] }));
    }

    [Fact]
    public void Write_SharedPartUnderTwoEncoders_EachEscapedByItsOwn()
    {
        // One part object, written first under one encoder then under another: the second must not get the
        // first one's prepared bytes. The label holds characters the two encoders treat differently.
        var card = Card("Kadcyla ± Herceptin <don't substitute> …") with
        {
            Suggestions =
            [
                new Suggestion
                {
                    Label = "l", Uuid = "u",
                    Actions = [new CdsAction { Type = "create", Description = "d", Resource = new MedicationRequest { Status = "draft ± <'>" } }],
                },
            ],
        };
        var answer = new CdsResponse { Cards = [card, card with { Uuid = "second" }] };
        var relaxed = new AnswerJson(Relaxed.Options);
        var strict = new AnswerJson(Strict.Options);

        AssertSameBytes(relaxed, answer);
        AssertSameBytes(strict, answer);
        AssertSameBytes(relaxed, answer);
        AssertSameBytes(strict, answer);
        Assert.NotEqual(Text(relaxed, answer), Text(strict, answer));
        Assert.Contains("Kadcyla ± Herceptin <don't", Text(relaxed, answer), StringComparison.Ordinal);
        Assert.Contains("Kadcyla \\u00B1 Herceptin \\u003Cdon\\u0027t", Text(strict, answer), StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EveryOptionalMemberAndOddText_SameBytesAsSerializer()
    {
        var card = Card("Label with \"quotes\", a tab\tand é") with
        {
            Detail = "- line one\n- line two ± 10 % … \u2028 \ud83d\udc8a \\ end",
            Indicator = "something-new",
            SelectionBehavior = "any",
            Suggestions =
            [
                new Suggestion
                {
                    Label = "Switch to “letrozole”", Uuid = "s-1", IsRecommended = false,
                    Actions =
                    [
                        new CdsAction { Type = "delete", Description = "Remove <the> draft", ResourceId = "MedicationRequest/1" },
                        new CdsAction
                        {
                            Type = "create", Description = "Order letrozole 2.5 mg",
                            Resource = new MedicationRequest
                            {
                                Status = "draft", Intent = "order",
                                MedicationCodeableConcept = new CodeableConcept { Text = "letrozole ± food" },
                                Subject = new Reference { ReferenceValue = "Patient/p-1" },
                            },
                        },
                        new CdsAction { Type = "update", Description = "u" },
                        new CdsAction { Type = "create", Description = "empty", Resource = new MedicationRequest() },
                        new CdsAction
                        {
                            Type = "create", Description = "with id and contained",
                            Resource = new MedicationRequest
                            {
                                Id = "mr-1", Contained = [new Medication { Id = "med-1" }], Status = "draft",
                                DosageInstruction = [new Dosage { Text = "2.5 mg ± food\n daily" }],
                            },
                        },
                        new CdsAction { Type = "create", Description = "another type", Resource = new Patient { Id = "p-1" } },
                        new CdsAction { Type = "create", Description = "base type", Resource = new Resource { Id = "r-1" } },
                    ],
                },
                new Suggestion { Label = "Nothing to do", Uuid = "s-2", Actions = [] },
            ],
            OverrideReasons = [],
        };
        var answer = new CdsResponse
        {
            Cards = [card, card with { Links = null, OverrideReasons = null, Detail = null, Suggestions = null, SelectionBehavior = null }],
            SystemActions = [new CdsAction { Type = "create", Description = "system" }],
        };

        foreach (var writer in new[] { HostWriter(), Relaxed, Strict })
        {
            AssertSameBytes(writer, answer);
        }
    }

    [Fact]
    public void Write_MedicationRequestWithEveryMember_SameBytesAsSerializer()
    {
        // The resource writer walks the MedicationRequest contract's members itself: every member, in order, with
        // nested and polymorphic values (contained resources), must come out as the serializer writes them.
        var request = new MedicationRequest
        {
            Id = "mr-1",
            Contained = [new Medication { Id = "med-1", Code = new CodeableConcept { Text = "kadcyla ±" } }, new Resource { Id = "r-1" }],
            Status = "draft",
            StatusReason = new CodeableConcept { Text = "why <not>" },
            Intent = "order",
            Category = [new CodeableConcept { Coding = [new Coding { System = "s", Code = "outpatient" }] }],
            MedicationCodeableConcept = new CodeableConcept { Text = "ado-trastuzumab emtansine" },
            MedicationReference = new Reference { ReferenceValue = "#med-1" },
            Subject = new Reference { ReferenceValue = "Patient/p-1", Display = "Jane 'Test'" },
            Encounter = new Reference { ReferenceValue = "Encounter/e-1" },
            AuthoredOn = "2026-11-20",
            Requester = new Reference { ReferenceValue = "Practitioner/d-1" },
            DosageInstruction = [new Dosage { Text = "3.6 mg/kg IV every 3 weeks", Timing = new Timing { Repeat = new TimingRepeat { Frequency = 1, Period = 3, PeriodUnit = "wk" } } }],
            Note = [new Annotation { Text = "a note\nwith a line feed" }],
        };
        var unset = typeof(MedicationRequest).GetProperties()
            .Where(p => p.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), true).Length == 0 && p.GetValue(request) is null)
            .Select(p => p.Name).ToList();
        Assert.Empty(unset); // a member added to the model must be added here too
        Assert.NotNull(AnswerJson.RequestMembers(CdsJsonContext.Default.MedicationRequest)); // the writer's own path, not the fallback

        var card = Card("every member") with
        {
            Suggestions =
            [
                new Suggestion
                {
                    Label = "all", Uuid = "s-1",
                    Actions =
                    [
                        new CdsAction { Type = "create", Description = "every member", Resource = request },
                        new CdsAction { Type = "create", Description = "few members", Resource = new MedicationRequest { Status = "draft" } },
                        new CdsAction { Type = "create", Description = "no members", Resource = new MedicationRequest() },
                    ],
                },
            ],
        };
        foreach (var writer in new[] { HostWriter(), Relaxed, Strict })
        {
            AssertSameBytes(writer, new CdsResponse { Cards = [card] });
        }
    }

    [Fact]
    public void Write_TemplateDrugAndDosageSharedAcrossPatients_EachRequestItsOwnSubject()
    {
        // The drug and dosage objects of an order template are shared by every card and their JSON is kept per
        // object: the members around them (subject, encounter, requester) must still be each request's own.
        var drug = new CodeableConcept { Coding = [new Coding { System = "http://www.nlm.nih.gov/research/umls/rxnorm", Code = "2119", Display = "trastuzumab" }] };
        IReadOnlyList<Dosage> dosage = [new Dosage { Text = "6 mg/kg IV every 3 weeks" }];
        MedicationRequest For(string patient) => new()
        {
            Status = "draft", Intent = "order", MedicationCodeableConcept = drug, Subject = new Reference { ReferenceValue = "Patient/" + patient }, DosageInstruction = dosage,
        };
        CdsResponse Answer(string patient) => new()
        {
            Cards = [Card("shared") with { Suggestions = [new Suggestion { Label = "x", Uuid = "s", Actions = [new CdsAction { Type = "create", Description = "d", Resource = For(patient) }] }] }],
        };

        var first = Text(Relaxed, Answer("p-1"));
        var second = Text(Relaxed, Answer("p-2"));

        Assert.Contains("\"subject\":{\"reference\":\"Patient/p-1\"}", first, StringComparison.Ordinal);
        Assert.Contains("\"subject\":{\"reference\":\"Patient/p-2\"}", second, StringComparison.Ordinal);
        AssertSameBytes(Relaxed, Answer("p-3"));
    }

    public static TheoryData<string> Details() => new(
        "no line feed",
        "\n",
        "ends with a line feed\n",
        "\nstarts with one",
        "two\n\nin a row, then\n- a list\n- of two",
        "a quote after a line feed\n\"here\"",
        "a quote \"before\"\nthe line feed",
        "carriage return\r\nand tab\tafter",
        "DEL \u007f and NUL \u0000\nthen",
        "HTML <b> & 'quotes' + `ticks`\n",
        "backslash \\ then\nline",
        "outside ASCII ≥ 2 ± 1\n…",
        "as the rules write: platelets < 100 × 10³/µL, ALT > 3 × ULN; see § 2.2 – `tdm1-safety`\n- T-DM1 + letrozole",
        "a surrogate pair 🧬 and two in a row 🧬🧪\n",
        "ends with a pair 🧬",
        "𝛼 at the start, and every escape at the end \\\"<>&'+`\u0001\u001f\u007f\u2028\u2029\ufeff",
        new string('x', 70 * 1024) + "\n" + "long");

    [Theory]
    [MemberData(nameof(Details))]
    public void Write_CardText_SameBytesAsSerializer(string text)
    {
        // The card texts' own path (plain runs copied, every other character written as the writer writes it alone)
        // must give the writer's bytes under every encoder: in the detail, the summary and a suggestion's label.
        var answer = new CdsResponse
        {
            Cards =
            [
                Card("detail") with { Detail = text },
                Card("summary") with { Summary = text, Suggestions = [new Suggestion { Label = text, Uuid = "s-1", Actions = [] }] },
            ],
        };
        foreach (var writer in new[] { HostWriter(), Relaxed, Strict })
        {
            AssertSameBytes(writer, answer);
        }
    }

    [Theory]
    [InlineData("a lone high surrogate \ud83e here")]
    [InlineData("a lone low surrogate \udde0 here")]
    [InlineData("a high surrogate at the end \ud83e")]
    public void Write_BrokenUtf16InCardText_SameBytesAsSerializer(string text)
    {
        // Such text cannot come from the knowledge; whatever the writer makes of a broken surrogate, the card
        // text's path leaves it to the writer, so the bytes are the same.
        var answer = new CdsResponse { Cards = [Card("broken") with { Detail = "fine\n" + text, Summary = text }] };
        foreach (var writer in new[] { HostWriter(), Relaxed, Strict })
        {
            AssertSameBytes(writer, answer);
        }
    }

    [Fact]
    public void Write_MoreCharactersOutsideAsciiThanTheWriterKeeps_SameBytes()
    {
        // Patient data could bring any character into a card's text; past the kept ones the writer escapes them.
        var writer = new AnswerJson(new JsonWriterOptions { SkipValidation = true });
        var characters = Enumerable.Range(0x4E00, AnswerJson.MaxKeptEscapes + 200).Select(c => (char)c).ToArray();
        var text = "many characters:\n" + string.Join(' ', characters);

        AssertSameBytes(writer, new CdsResponse { Cards = [Card("many") with { Detail = text }] });
        AssertSameBytes(writer, new CdsResponse { Cards = [Card("again") with { Detail = text[..60] + "\n" + text[^60..] }] });
    }

    [Fact]
    public void Write_Returns_BytesAreInTheOutputBeforeTheWriterIsDisposed()
    {
        // As JsonSerializer.Serialize: callers read the buffer while the writer is still open.
        var answer = new CdsResponse { Cards = [Card("flushed")] };
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, Relaxed.Options);

        Relaxed.Write(json, answer);

        Assert.Equal(Serialized(Relaxed.Options, answer), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_IndentedOptions_SameBytesAsSerializer()
    {
        // Prepared parts are compact; indented output goes through the serializer.
        var indented = new AnswerJson(new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.BasicLatin) });
        AssertSameBytes(indented, new CdsResponse { Cards = [Card("indented ±")] });
    }

    [Fact]
    public async Task ExecuteAsync_HookAnswer_BodyIsSerializerBytesWithHostOptions()
    {
        var answer = await AnswerFor("perf-full-prefetch-year-of-history");
        Assert.NotNull(answer);
        Assert.NotEmpty(answer.Cards);
        using var scope = server.Services.CreateScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        using var body = new MemoryStream();
        http.Response.Body = body;

        await new OkJson<CdsResponse>(answer, CdsJsonContext.Default.CdsResponse, HostWriter()).ExecuteAsync(http);

        Assert.Equal(Serialized(HostWriter().Options, answer), body.ToArray());
        Assert.Equal(body.Length, http.Response.ContentLength);
    }

    private AnswerJson HostWriter() =>
        AnswerJson.For(server.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions);

    /// <summary>The scenario's answer as the hook endpoint builds it, or null when the request is rejected.</summary>
    private async Task<CdsResponse?> AnswerFor(string scenario)
    {
        var folder = Path.Combine(Repo.Root, "fhir-fixtures", scenario);
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "expected.json")))!.AsObject();
        if (((int?)expected["status"] ?? 200) != 200)
        {
            return null;
        }

        var body = await File.ReadAllBytesAsync(Path.Combine(folder, "request.json"));
        var hook = (string?)JsonNode.Parse(body)?["hook"];
        var service = (string?)expected["service"] is { } id
            ? CdsServiceCatalog.Services[id]
            : CdsServiceCatalog.Services.Values.First(s => s.Hook == hook);
        var (request, error) = RequestReader.Read(body, service);
        Assert.True(error is null, $"{scenario}: expected an answer, the request was rejected ({error?.Status})");

        using var scope = server.Services.CreateScope(); // the resolver is per request, as in the endpoint
        var resolved = await scope.ServiceProvider.GetRequiredService<PrefetchResolver>().ResolveAsync(request!, CancellationToken.None);
        var input = new EvaluationInput(service.Kind, request!.PatientId, request.DraftOrders, request.Selections, resolved.Data);
        var result = server.Services.GetRequiredService<CdsEngine>().Evaluate(input);
        return new CdsResponse { Cards = result.Cards };
    }

    /// <summary>Compares the writer's bytes with the serializer's, twice: once as the parts are first seen and
    /// prepared, once from the prepared bytes.</summary>
    private static void AssertSameBytes(AnswerJson writer, CdsResponse answer)
    {
        var expected = Serialized(writer.Options, answer);
        for (var pass = 0; pass < 2; pass++)
        {
            var actual = Written(writer, answer);
            if (!expected.AsSpan().SequenceEqual(actual))
            {
                Assert.Equal(System.Text.Encoding.UTF8.GetString(expected), System.Text.Encoding.UTF8.GetString(actual));
                Assert.Equal(expected, actual); // same text, other bytes: cannot happen for UTF-8, but say so if it does
            }
        }
    }

    private static byte[] Serialized(JsonWriterOptions options, CdsResponse answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, options))
        {
            JsonSerializer.Serialize(json, answer, CdsJsonContext.Default.CdsResponse);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Written(AnswerJson writer, CdsResponse answer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, writer.Options))
        {
            writer.Write(json, answer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string Text(AnswerJson writer, CdsResponse answer) => System.Text.Encoding.UTF8.GetString(Written(writer, answer));

    private static Card Card(string label) => new()
    {
        Uuid = "c-1",
        Summary = "Summary … with ± and <b>",
        Indicator = "warning",
        Source = new CardSource { Label = label, Url = "https://example.org/a?b=1&c='2'", Topic = new CdsCoding { System = "s", Code = "c" } },
        OverrideReasons = [new CdsCoding { System = "s", Code = "other", Display = "Other – see note" }],
        Links = [new CdsLink { Label = label, Url = "https://example.org/", Type = "absolute" }],
        Extension = new CardExtension { RuleId = "rule-1", KnowledgeVersion = "2026.11 ±" },
    };

    /// <summary>The real service, for its engine, prefetch resolver and JSON options (shared by the tests).</summary>
    public sealed class Host : IDisposable
    {
        private readonly CdsServiceFactory _factory = new();

        public IServiceProvider Services => _factory.Services;

        public void Dispose() => _factory.Dispose();
    }
}
