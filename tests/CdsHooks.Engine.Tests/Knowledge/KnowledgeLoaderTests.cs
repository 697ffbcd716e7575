using CdsHooks.Engine.Knowledge;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Tests.Knowledge;

public class KnowledgeLoaderTests
{
    [Fact]
    public void Load_RealKnowledgeFolder_LoadsEveryRuleAndConcept()
    {
        var knowledge = KnowledgeLoader.Load(TestData.KnowledgeFolder, BuiltInChecks.Names);

        Assert.Contains(knowledge.Rules, r => r.Id == "tdm1-with-endocrine");
        Assert.True(knowledge.Concepts.Concepts.Count >= 28);
        Assert.True(knowledge.Concepts.CodeCount >= 80);
        Assert.Matches(@"^\d{4}\.\d+\.\d+\+[0-9a-f]{10}$", knowledge.Version);
    }

    [Fact]
    public void Load_RealKnowledgeFolder_EveryRuleHasEvidenceWithLinks()
    {
        foreach (var rule in TestData.KnowledgeBase.Rules)
        {
            Assert.NotEmpty(rule.Sources);
            Assert.Contains(rule.Evidence, e => e.Url is not null);
        }
    }

    [Fact]
    public void Load_BrokenRule_RefusesNamingFileAndPath()
    {
        using var folder = CopyOfKnowledge();
        File.WriteAllText(Path.Combine(folder.Path, "rules", "broken.yaml"), """
            id: tdm1-with-endocrine
            title: Broken
            indicator: loud
            sources: [x]
            evidence: [no-such-trial]
            topic: { code: a, display: b }
            drugs:
              adc: { concepts: [no-such-drug] }
            card:
              summary: "{adc} and {nobody}"
              detail: "d"
            """);

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(folder.Path, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.Contains("duplicate rule id 'tdm1-with-endocrine'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("rules/broken.yaml: indicator:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("rules/broken.yaml: evidence[0]: unknown evidence id 'no-such-trial'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("rules/broken.yaml: drugs.adc.concepts: unknown concept 'no-such-drug'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.Contains("placeholder {nobody}", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_SummaryTooLong_Refuses()
    {
        using var folder = CopyOfKnowledge();
        var path = Path.Combine(folder.Path, "rules", "tdm1-with-endocrine.yaml");
        var text = File.ReadAllText(path).Replace("not a studied combination;", "not a combination studied in any randomised trial of any size anywhere in the world;", StringComparison.Ordinal);
        File.WriteAllText(path, text);

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(folder.Path, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.Contains("card.summary: can reach", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownYamlKey_RefusesWithLine()
    {
        using var folder = CopyOfKnowledge();
        var path = Path.Combine(folder.Path, "rules", "tdm1-with-endocrine.yaml");
        File.WriteAllText(path, File.ReadAllText(path) + "\nseverity: high\n");

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(folder.Path, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.StartsWith("rules/tdm1-with-endocrine.yaml: line", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_CodeListedUnderTwoConcepts_Refuses()
    {
        using var folder = CopyOfKnowledge();
        var path = Path.Combine(folder.Path, "concepts.yaml");
        // Give trastuzumab the T-DM1 ingredient code: exactly the mix-up the map must never allow.
        var text = File.ReadAllText(path).Replace("- { code: \"224905\"", "- { code: \"1371041\", tty: IN, ev: V2 }\n      - { code: \"224905\"", StringComparison.Ordinal);
        File.WriteAllText(path, text);

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(folder.Path, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.Contains("code 1371041 is also listed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("50242-088-01-9", "is not an NDC labeler-product code")]   // not an NDC
    [InlineData("63459-303", "code 63459-303 is also listed for 'trastuzumab'")]   // Herzuma's product under T-DM1
    public void Load_BadNdc_Refuses(string code, string expected)
    {
        using var folder = CopyOfKnowledge();
        var path = Path.Combine(folder.Path, "concepts.yaml");
        var text = File.ReadAllText(path).Replace("- { code: \"50242-088\"", $"- {{ code: \"{code}\", ev: V }}\n      - {{ code: \"50242-088\"", StringComparison.Ordinal);
        File.WriteAllText(path, text);

        var ex = Assert.Throws<KnowledgeException>(() => KnowledgeLoader.Load(folder.Path, BuiltInChecks.Names));

        Assert.Contains(ex.Errors, e => e.Contains(expected, StringComparison.Ordinal) && e.Contains("ndc[0]", StringComparison.Ordinal));
    }

    private static TempFolder CopyOfKnowledge()
    {
        var folder = new TempFolder();
        foreach (var file in Directory.GetFiles(TestData.KnowledgeFolder, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder.Path, Path.GetRelativePath(TestData.KnowledgeFolder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return folder;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("cds-cards-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
