using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Concepts;

namespace CdsHooks.Engine.Knowledge;

public static partial class KnowledgeLoader
{
    private static readonly FrozenSet<string> VerificationTags = new[] { "V", "V2", "V1", "U" }.ToFrozenSet(StringComparer.Ordinal);

    private static ConceptMap? BuildConcepts(ConceptsFile file, ImmutableArray<LookAlikeGuard> guards, List<string> errors)
    {
        const string f = "concepts.yaml";
        var classes = new Dictionary<string, DrugClass>(StringComparer.Ordinal);
        for (var i = 0; i < (file.Classes?.Count ?? 0); i++)
        {
            var c = file.Classes![i];
            if (string.IsNullOrWhiteSpace(c.Id) || string.IsNullOrWhiteSpace(c.Display))
            {
                errors.Add($"{f}: classes[{i}]: id and display are required");
            }
            else if (!classes.TryAdd(c.Id, new DrugClass(c.Id, c.Display, c.Parent)))
            {
                errors.Add($"{f}: classes[{i}]: duplicate class id '{c.Id}'");
            }
        }

        foreach (var c in classes.Values.Where(c => c.Parent is not null && !classes.ContainsKey(c.Parent)))
        {
            errors.Add($"{f}: classes '{c.Id}': parent '{c.Parent}' is not a class");
        }

        // First pass: ids, so countsAs can refer forward.
        var raw = file.Concepts ?? [];
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(raw[i].Id) || string.IsNullOrWhiteSpace(raw[i].Display))
            {
                errors.Add($"{f}: concepts[{i}]: id and display are required");
            }
            else if (!ids.Add(raw[i].Id!))
            {
                errors.Add($"{f}: concepts[{i}]: duplicate concept id '{raw[i].Id}'");
            }
        }

        var concepts = new Dictionary<string, DrugConcept>(StringComparer.Ordinal);
        for (var i = 0; i < raw.Count; i++)
        {
            var c = raw[i];
            if (c.Id is null || c.Display is null || concepts.ContainsKey(c.Id))
            {
                continue;
            }

            foreach (var cls in (c.Classes ?? []).Where(cls => !classes.ContainsKey(cls)))
            {
                errors.Add($"{f}: concepts[{i}] ({c.Id}): classes: unknown class '{cls}'");
            }

            foreach (var other in (c.CountsAs ?? []).Where(o => !ids.Contains(o)))
            {
                errors.Add($"{f}: concepts[{i}] ({c.Id}): countsAs: unknown concept '{other}'");
            }

            if (c.Classes is not { Count: > 0 })
            {
                errors.Add($"{f}: concepts[{i}] ({c.Id}): classes: at least one class is required");
            }

            var allClasses = (c.Classes ?? []).Where(classes.ContainsKey)
                .SelectMany(cls => Ancestry(cls, classes)).ToFrozenSet(StringComparer.Ordinal);
            var allConcepts = new[] { c.Id }.Concat(c.CountsAs ?? []).ToFrozenSet(StringComparer.Ordinal);
            concepts[c.Id] = new DrugConcept(c.Id, c.Display, [.. c.Brands ?? []], allConcepts, allClasses);
        }

        var byCode = new Dictionary<(string, string), (DrugConcept, string)>();
        var names = new Dictionary<string, DrugConcept>(StringComparer.Ordinal);
        var nameList = new List<(string, DrugConcept)>();
        for (var i = 0; i < raw.Count; i++)
        {
            var c = raw[i];
            if (c.Id is null || !concepts.TryGetValue(c.Id, out var concept))
            {
                continue;
            }

            AddCodes(c.Rxnorm, CodeSystems.RxNorm, "rxnorm");
            AddCodes(c.Atc, CodeSystems.Atc, "atc");
            AddCodes(c.Ndc, CodeSystems.Ndc, "ndc");

            foreach (var name in new[] { c.Id }.Concat(c.Names ?? []).Concat(c.Brands ?? []))
            {
                var key = string.Join(' ', TextMatcher.Tokenize(name));
                if (key.Length == 0)
                {
                    errors.Add($"{f}: concepts[{i}] ({c.Id}): name '{name}' has no letters or digits");
                }
                else if (names.TryGetValue(key, out var owner) && owner != concept)
                {
                    errors.Add($"{f}: concepts[{i}] ({c.Id}): name '{name}' is also a name of '{owner.Id}'");
                }
                else if (names.TryAdd(key, concept))
                {
                    nameList.Add((name, concept));
                }
            }

            void AddCodes(List<CodeYaml>? codes, string system, string path)
            {
                for (var k = 0; k < (codes?.Count ?? 0); k++)
                {
                    var code = codes![k];
                    var where = $"{f}: concepts[{i}] ({c.Id}): {path}[{k}]";
                    if (string.IsNullOrWhiteSpace(code.Code))
                    {
                        errors.Add($"{where}: code is required");
                        continue;
                    }

                    if (code.Ev is null || !VerificationTags.Contains(code.Ev))
                    {
                        errors.Add($"{where}: ev must be one of V, V2, V1, U (clinical-facts.md legend)");
                    }

                    // NDC: the labeler-product part identifies the drug; it is stored as 5-4 digits (CodeSystems.NdcProduct).
                    var codeKey = system == CodeSystems.Ndc ? CodeSystems.NdcProduct(code.Code) : code.Code;
                    if (codeKey is null)
                    {
                        errors.Add($"{where}: '{code.Code}' is not an NDC labeler-product code (e.g. 50242-088)");
                        continue;
                    }

                    var key = (CodeSystems.Normalize(system), codeKey);
                    if (byCode.TryGetValue(key, out var existing) && existing.Item1 != concept)
                    {
                        errors.Add($"{where}: code {code.Code} is also listed for '{existing.Item1.Id}'");
                    }
                    else
                    {
                        byCode[key] = (concept, code.Ev ?? "U");
                    }
                }
            }
        }

        return new ConceptMap(
            concepts.ToFrozenDictionary(StringComparer.Ordinal),
            classes.ToFrozenDictionary(StringComparer.Ordinal),
            byCode.ToFrozenDictionary(),
            new TextMatcher(nameList, guards),
            guards);
    }

    private static IEnumerable<string> Ancestry(string classId, Dictionary<string, DrugClass> classes)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = classId; id is not null && classes.TryGetValue(id, out var cls) && seen.Add(id); id = cls.Parent)
        {
            yield return id;
        }
    }

    private static FrozenDictionary<string, Evidence> BuildEvidence(EvidenceFile file, List<string> errors)
    {
        const string f = "evidence.yaml";
        var result = new Dictionary<string, Evidence>(StringComparer.Ordinal);
        for (var i = 0; i < (file.Evidence?.Count ?? 0); i++)
        {
            var e = file.Evidence![i];
            var where = $"{f}: evidence[{i}]";
            if (string.IsNullOrWhiteSpace(e.Id) || string.IsNullOrWhiteSpace(e.Label) || string.IsNullOrWhiteSpace(e.Citation))
            {
                errors.Add($"{where}: id, label and citation are required");
                continue;
            }

            if (e.Url is not null && (!Uri.TryCreate(e.Url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{where} ({e.Id}): url must be an absolute https URL");
            }

            if (e.Ev is null || !VerificationTags.Contains(e.Ev))
            {
                errors.Add($"{where} ({e.Id}): ev must be one of V, V2, V1, U");
            }

            if (!result.TryAdd(e.Id, new Evidence(e.Id, e.Label, e.Citation, e.Url, e.Ev ?? "U", e.Finding)))
            {
                errors.Add($"{where}: duplicate evidence id '{e.Id}'");
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, OrderTemplate> BuildOrderTemplates(OrderTemplatesFile file, ConceptMap concepts, List<string> errors)
    {
        const string f = "order-templates.yaml";
        var result = new Dictionary<string, OrderTemplate>(StringComparer.Ordinal);
        for (var i = 0; i < (file.Orders?.Count ?? 0); i++)
        {
            var o = file.Orders![i];
            var where = $"{f}: orders[{i}]";
            if (string.IsNullOrWhiteSpace(o.Id) || o.Concept is null || o.Rxnorm?.Code is null || o.Text is null ||
                o.Dosage?.Text is null || o.Source is null)
            {
                errors.Add($"{where}: id, concept, rxnorm.code, text, dosage.text and source are required");
                continue;
            }

            if (!concepts.Concepts.TryGetValue(o.Concept, out var concept))
            {
                errors.Add($"{where} ({o.Id}): concept '{o.Concept}' is not in concepts.yaml");
                continue;
            }

            var coded = concepts.Resolve(new Hl7.Fhir.Model.CodeableConcept { Coding = [new Hl7.Fhir.Model.Coding { System = CodeSystems.RxNorm, Code = o.Rxnorm.Code }] });
            if (!coded.Matches.Any(m => m.Concept == concept))
            {
                errors.Add($"{where} ({o.Id}): rxnorm {o.Rxnorm.Code} is not a code of '{o.Concept}' in concepts.yaml");
            }

            var template = new OrderTemplate(o.Id, o.Concept, o.Rxnorm.Code, o.Rxnorm.Display ?? concept.Display, o.Text,
                o.Dosage.Text, o.Dosage.Route, o.Dosage.Dose?.Value, o.Dosage.Dose?.Unit, o.Dosage.EveryWeeks,
                o.Dosage.EveryDays, o.Source);
            if (!result.TryAdd(o.Id, template))
            {
                errors.Add($"{where}: duplicate order template id '{o.Id}'");
            }
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
