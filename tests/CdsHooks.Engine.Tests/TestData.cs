using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace CdsHooks.Engine.Tests;

/// <summary>Builds hook inputs in code for engine tests (fixtures on disk cover the HTTP path).</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<KnowledgeBase> Knowledge = new(() => KnowledgeLoader.Load(KnowledgeFolder, BuiltInChecks.Names));

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CdsHooks.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("CdsHooks.sln not found above the test folder");
        }
    }

    public static string KnowledgeFolder => Path.Combine(RepoRoot, "cds-cards");

    public static KnowledgeBase KnowledgeBase => Knowledge.Value;

    public static CdsEngine NewEngine(EngineOptions? options = null) =>
        new(KnowledgeBase, options ?? new EngineOptions(), new FixedTime(Now));

    public static CodeableConcept RxNorm(string code, string? display = null) =>
        new() { Coding = [new Coding { System = CodeSystems.RxNorm, Code = code, Display = display }] };

    public static CodeableConcept Text(string text) => new() { Text = text };

    public static MedicationRequest Draft(string id, CodeableConcept medication) =>
        new()
        {
            Id = id,
            Status = MedicationRequest.MedicationrequestStatus.Draft,
            Intent = MedicationRequest.MedicationRequestIntent.Order,
            Medication = medication,
            Subject = new ResourceReference { Reference = "Patient/p1" },
        };

    public static MedicationStatement ActiveStatement(string id, CodeableConcept medication) =>
        new() { Id = id, Status = MedicationStatement.MedicationStatusCodes.Active, Medication = medication, Effective = new FhirDateTime("2026-09-01") };

    public static EvaluationInput Input(HookKind hook, IEnumerable<Resource> drafts, IEnumerable<string>? selections = null, PatientData? data = null) =>
        new(hook, "p1",
            new Bundle { Entry = [.. drafts.Select(d => new Bundle.EntryComponent { Resource = d })] },
            [.. selections ?? []],
            data ?? PatientData.Empty);

    /// <summary>The enum member of a FHIR code ("final", "entered-in-error", "wk"); a code the enum lacks is a test error.</summary>
    public static T Literal<T>(string code)
        where T : struct, Enum =>
        EnumUtility.ParseLiteral<T>(code) ?? throw new ArgumentException($"'{code}' is not a {typeof(T).Name} code", nameof(code));

    /// <summary>A deep copy of <paramref name="resource"/> with <paramref name="change"/> applied (the model's objects are mutable:
    /// the original, often shared by a test's other inputs, is left as it was).</summary>
    public static T With<T>(this T resource, Action<T> change)
        where T : Base
    {
        var copy = (T)resource.DeepCopy();
        change(copy);
        return copy;
    }

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
