using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Tests.Rules.Checks;

/// <summary>The loader refuses a rule whose check parameters are missing or misspelt (fail fast on bad knowledge).</summary>
public sealed class CheckParameterValidationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cds-cards-").FullName;

    public CheckParameterValidationTests()
    {
        foreach (var file in Directory.GetFiles(TestData.KnowledgeFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_folder, Path.GetRelativePath(TestData.KnowledgeFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_RealRules_DeclareEveryParameterTheirCheckReads()
    {
        var knowledge = KnowledgeLoader.Load(TestData.KnowledgeFolder, BuiltInChecks.Names);

        foreach (var rule in knowledge.Rules.Where(r => r.Check is not null))
        {
            Assert.Equal(BuiltInChecks.Parameters[rule.Check!].Order(), rule.Parameters.Keys.Order());
        }
    }

    [Fact]
    public void Load_MissingCheckParameter_RefusesNamingIt()
    {
        Edit("tdm1-dose.yaml", "  maxMgPerKg: 3.6", string.Empty);

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(_folder, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.StartsWith("rules/tdm1-dose.yaml: parameters.maxMgPerKg: required by check 'weight-based-dose'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MisspeltCheckParameter_Refuses()
    {
        Edit("tdm1-safety.yaml", "  plateletsHoldBelow:", "  plateletHoldBelow:");

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(_folder, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.Contains("parameters.plateletHoldBelow: not read by check 'pre-dose-safety'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("parameters.plateletsHoldBelow: required", StringComparison.Ordinal));
    }

    private void Edit(string rule, string find, string replace)
    {
        var path = Path.Combine(_folder, "rules", rule);
        var text = File.ReadAllText(path);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(find, replace, StringComparison.Ordinal));
    }
}
