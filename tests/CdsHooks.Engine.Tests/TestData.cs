using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using Hl7.Fhir.Model;

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
        new() { Id = id, Status = "draft", Intent = "order", MedicationCodeableConcept = medication, Subject = new Reference { ReferenceValue = "Patient/p1" } };

    public static MedicationStatement ActiveStatement(string id, CodeableConcept medication) =>
        new() { Id = id, Status = "active", MedicationCodeableConcept = medication, EffectiveDateTime = "2026-09-01" };

    public static EvaluationInput Input(HookKind hook, IEnumerable<Resource> drafts, IEnumerable<string>? selections = null, PatientData? data = null) =>
        new(hook, "p1",
            new Bundle { Entry = [.. drafts.Select(d => new BundleEntry { Resource = d })] },
            [.. selections ?? []],
            data ?? PatientData.Empty);

    internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
