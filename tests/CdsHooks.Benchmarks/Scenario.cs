using System.Collections.Frozen;
using System.Text.Json;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Concepts;
using ConceptMap = CdsHooks.Engine.Concepts.ConceptMap;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Prefetch;

namespace CdsHooks.Benchmarks;

/// <summary>
/// One fixture taken through the pipeline once, keeping every intermediate result, so that each stage
/// can be measured alone on the output of the stage before it. Same knowledge folder and pinned clock
/// as FixtureTests (2026-11-20T09:00Z), so the fixture means what its expected.json says.
/// </summary>
internal sealed class Scenario
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private Scenario(string fixture)
    {
        var root = RepositoryRoot();
        // Compact, as EHRs send it (the fixture files are indented for people).
        using (var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "fhir-fixtures", Fixtures.Folder(fixture), "request.json"))))
        {
            Body = JsonSerializer.SerializeToUtf8Bytes(document.RootElement);
            var hook = document.RootElement.GetProperty("hook").GetString();
            Service = CdsServiceCatalog.Services.Values.Single(s => s.Hook == hook);
        }

        Engine = CdsEngine.Load(Path.Combine(root, "cds-cards"), new EngineOptions(), new FixedTime(Now));
        Checks = BuiltInChecks.All.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);
        Renderer = new CardRenderer(Engine.Knowledge);
        Prefetch = new PrefetchResolver(
            () => new NoFetch(),
            new FhirServerPolicy(new FhirAccessOptions(), development: true),
            Microsoft.Extensions.Options.Options.Create(new FhirAccessOptions()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PrefetchResolver>.Instance);

        var (request, error) = RequestReader.Read(Body, Service);
        Request = request ?? throw new InvalidOperationException(
            $"{fixture} is rejected ({error?.Status}): a benchmark of the error path would measure nothing useful");
        Data = Prefetch.ResolveAsync(Request.ForPrefetch(), CancellationToken.None).GetAwaiter().GetResult().Data;
        if (Data.Unavailable.Count > 0)
        {
            throw new InvalidOperationException($"{fixture}: prefetch is incomplete ({string.Join(", ", Data.Unavailable)}); the benchmark would fetch");
        }

        Input = new EvaluationInput(Service.Kind, Request.PatientId, Request.DraftOrders, Request.Selections, Data);
        MedicationUses =
        [
            .. Request.DraftOrders.Entry.Select(e => e.Resource).OfType<MedicationRequest>(),
            .. Data.MedicationRequests, .. Data.MedicationStatements, .. Data.MedicationAdministrations,
        ];
        Medications = MedicationResolver.Index(Request.DraftOrders, Data.Medications);
        Regimen = RegimenBuilder.Build(Input, Engine.Knowledge.Concepts, Engine.Options, Now);
        Facts = PatientFactsBuilder.Build(Input, Regimen, Now);
        Context = new RuleContext(Input, Regimen, Facts, Engine.Options, Now);
        Findings = [.. Engine.Knowledge.Rules.Select(r => RuleEvaluator.Evaluate(r, Context, Checks)).OfType<Finding>()];
    }

    public byte[] Body { get; }
    public CdsServiceDefinition Service { get; }
    public CdsEngine Engine { get; }
    public FrozenDictionary<string, IRuleCheck> Checks { get; }
    public CardRenderer Renderer { get; }
    public PrefetchResolver Prefetch { get; }
    public HookRequest Request { get; }
    public PatientData Data { get; }
    public EvaluationInput Input { get; }
    public DomainResource[] MedicationUses { get; }
    public Dictionary<string, Medication> Medications { get; }
    public Regimen Regimen { get; }
    public PatientFacts Facts { get; }
    public RuleContext Context { get; }
    public Finding[] Findings { get; }

    public static Scenario Load(string fixture) => new(fixture);

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CdsHooks.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("CdsHooks.sln not found above " + AppContext.BaseDirectory);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

/// <summary>The fixtures every benchmark runs on, by short names that fit BenchmarkDotNet's tables.</summary>
internal static class Fixtures
{
    /// <summary>Full prefetch, a year of history, five drafts.</summary>
    public const string FullPrefetch = "full-prefetch";

    /// <summary>Two drafts, no history: the sandbox-sized request.</summary>
    public const string Small = "small";

    public static string Folder(string name) => name switch
    {
        FullPrefetch => "perf-full-prefetch-year-of-history",
        Small => "r01-tdm1-letrozole-rxnorm-ingredient-sign",
        _ => name, // any fhir-fixtures folder name works too
    };
}
