using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace CdsHooks.Engine.Knowledge;

/// <summary>
/// Reads cds-cards/ once at start-up. Every problem found is collected (file and path named) and
/// reported together in a <see cref="KnowledgeException"/>: the service refuses to start on bad knowledge.
/// </summary>
public static partial class KnowledgeLoader
{
    public const int MaxSummaryLength = 139; // CDS Hooks 2.0: summary "<140-character"

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .Build();

    /// <param name="folder">The cds-cards folder.</param>
    /// <param name="knownChecks">Names of the specialised checks the engine implements.</param>
    public static KnowledgeBase Load(string folder, IReadOnlySet<string> knownChecks)
    {
        if (!Directory.Exists(folder))
        {
            throw new KnowledgeException([$"{folder}: knowledge folder not found"]);
        }

        var errors = new List<string>();
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        T? Read<T>(string relative)
            where T : class
        {
            var path = Path.Combine(folder, relative);
            if (!File.Exists(path))
            {
                errors.Add($"{relative}: file not found");
                return null;
            }

            var text = File.ReadAllText(path);
            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + text));
            try
            {
                var value = Yaml.Deserialize<T>(text);
                if (value is null)
                {
                    errors.Add($"{relative}: file is empty");
                }

                return value;
            }
            catch (YamlException ex)
            {
                errors.Add($"{relative}: line {ex.Start.Line}, column {ex.Start.Column}: {Innermost(ex).Message}");
                return null;
            }
        }

        var manifestFile = Read<ManifestFile>("manifest.yaml");
        var conceptsFile = Read<ConceptsFile>("concepts.yaml");
        var evidenceFile = Read<EvidenceFile>("evidence.yaml");
        var ordersFile = Read<OrderTemplatesFile>("order-templates.yaml");

        var ruleFiles = new List<(string Name, RuleFile File)>();
        var rulesFolder = Path.Combine(folder, "rules");
        if (Directory.Exists(rulesFolder))
        {
            foreach (var path in Directory.GetFiles(rulesFolder, "*.yaml").Order(StringComparer.Ordinal))
            {
                var relative = "rules/" + Path.GetFileName(path);
                if (Read<RuleFile>(relative) is { } rule)
                {
                    ruleFiles.Add((relative, rule));
                }
            }
        }
        else
        {
            errors.Add("rules/: folder not found");
        }

        var guards = manifestFile is null ? [] : BuildGuards(manifestFile, errors);
        var concepts = conceptsFile is null ? null : BuildConcepts(conceptsFile, guards, errors);
        var evidence = evidenceFile is null ? FrozenDictionary<string, Evidence>.Empty : BuildEvidence(evidenceFile, errors);
        var orders = ordersFile is null || concepts is null
            ? FrozenDictionary<string, OrderTemplate>.Empty
            : BuildOrderTemplates(ordersFile, concepts, errors);
        var manifest = manifestFile is null ? null : BuildManifest(manifestFile, errors);
        var rules = concepts is null || manifest is null
            ? []
            : BuildRules(ruleFiles, concepts, evidence, orders, manifest, knownChecks, errors);

        if (errors.Count > 0 || manifest is null || concepts is null)
        {
            throw new KnowledgeException(errors);
        }

        var digest = Convert.ToHexStringLower(hash.GetHashAndReset())[..10];
        return new KnowledgeBase(manifest with { Version = $"{manifest.Version}+{digest}" }, concepts, evidence, orders, rules);
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);

    private static KnowledgeManifest? BuildManifest(ManifestFile file, List<string> errors)
    {
        const string f = "manifest.yaml";
        Require(file.Name, f, "name", errors);
        Require(file.Version, f, "version", errors);
        Require(file.TopicSystem, f, "topicSystem", errors);
        Require(file.OverrideReasonSystem, f, "overrideReasonSystem", errors);
        var reasons = BuildCodeDisplays(file.OverrideReasons, f, "overrideReasons", errors);
        if (reasons.IsEmpty)
        {
            errors.Add($"{f}: overrideReasons: at least one default override reason is required");
        }

        return file.Name is null || file.Version is null || file.TopicSystem is null || file.OverrideReasonSystem is null
            ? null
            : new KnowledgeManifest(file.Name, file.Version, file.Publisher ?? file.Name, file.TopicSystem,
                file.OverrideReasonSystem, reasons);
    }

    private static ImmutableArray<CodeDisplay> BuildCodeDisplays(List<CodeDisplayYaml>? list, string file, string path, List<string> errors)
    {
        var result = ImmutableArray.CreateBuilder<CodeDisplay>();
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            var item = list![i];
            if (string.IsNullOrWhiteSpace(item.Code) || string.IsNullOrWhiteSpace(item.Display))
            {
                errors.Add($"{file}: {path}[{i}]: code and display are both required (CDS Hooks: override reasons MUST have a display)");
                continue;
            }

            result.Add(new CodeDisplay(item.Code, item.Display));
        }

        return result.ToImmutable();
    }

    private static ImmutableArray<LookAlikeGuard> BuildGuards(ManifestFile file, List<string> errors)
    {
        var result = ImmutableArray.CreateBuilder<LookAlikeGuard>();
        for (var i = 0; i < (file.LookAlikeGuards?.Count ?? 0); i++)
        {
            var g = file.LookAlikeGuards![i];
            if (g.Concepts is not { Count: > 0 } || g.Tokens is not { Count: > 0 })
            {
                errors.Add($"manifest.yaml: lookAlikeGuards[{i}]: concepts and tokens are required");
                continue;
            }

            result.Add(new LookAlikeGuard(g.Concepts.ToFrozenSet(StringComparer.Ordinal),
                g.Tokens.SelectMany(TextMatcher.Tokenize).ToFrozenSet(StringComparer.Ordinal)));
        }

        return result.ToImmutable();
    }

    private static void Require(string? value, string file, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{file}: {path}: required");
        }
    }
}
