using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Fhir;

namespace CdsHooks.Engine.Concepts;

/// <summary>What a medication's coding and text say it is.</summary>
public sealed record MedicationIdentity(ImmutableArray<ConceptMatch> Matches, string? Problem)
{
    public static readonly MedicationIdentity Unknown = new([], null);

    public bool IsRecognised => !Matches.IsEmpty;
}

/// <summary>
/// Maps (system, code) and free text to drug concepts. The code dictionary is built once at start-up;
/// codes win over text; text is read only when no code is known, or to detect a code/text conflict
/// between look-alike drugs (a trastuzumab code with "Kadcyla" in the text is refused, not guessed).
/// </summary>
public sealed class ConceptMap
{
    private readonly FrozenDictionary<(string System, string Code), (DrugConcept Concept, string Verification)> _byCode;
    private readonly TextMatcher _text;
    private readonly ImmutableArray<LookAlikeGuard> _guards;

    internal ConceptMap(
        FrozenDictionary<string, DrugConcept> concepts,
        FrozenDictionary<string, DrugClass> classes,
        FrozenDictionary<(string System, string Code), (DrugConcept Concept, string Verification)> byCode,
        TextMatcher text,
        ImmutableArray<LookAlikeGuard> guards)
    {
        Concepts = concepts;
        Classes = classes;
        _byCode = byCode;
        _text = text;
        _guards = guards;
    }

    public FrozenDictionary<string, DrugConcept> Concepts { get; }
    public FrozenDictionary<string, DrugClass> Classes { get; }
    public int CodeCount => _byCode.Count;

    public MedicationIdentity Resolve(CodeableConcept? medication)
    {
        if (medication is null)
        {
            return MedicationIdentity.Unknown;
        }

        var matches = ImmutableArray.CreateBuilder<ConceptMatch>();
        foreach (var coding in medication.Coding ?? [])
        {
            if (coding.Code is null)
            {
                continue;
            }

            var system = CodeSystems.Normalize(coding.System);
            if (_byCode.TryGetValue((system, coding.Code), out var hit) && !matches.Any(m => m.Concept == hit.Concept))
            {
                var kind = system == CodeSystems.Normalize(CodeSystems.Atc) ? MatchKind.Atc : MatchKind.RxNorm;
                matches.Add(new ConceptMatch(hit.Concept, kind, $"{kind} {coding.Code}", hit.Verification));
            }
        }

        string? problem = null;
        var texts = (medication.Coding ?? []).Select(c => c.Display).Append(medication.Text)
            .Where(t => !string.IsNullOrWhiteSpace(t)).Cast<string>();
        foreach (var text in texts)
        {
            var named = _text.Match(text, out var ambiguity);
            problem ??= ambiguity;
            foreach (var concept in named)
            {
                if (matches.Count > 0 && !matches.Any(m => m.Concept == concept) && AreLookAlikes(concept, matches))
                {
                    return new MedicationIdentity([],
                        $"the code identifies {string.Join(", ", matches.Select(m => m.Concept.Display))} but the text " +
                        $"\"{text}\" names {concept.Display}; the drug was not identified");
                }
            }

            if (matches.Count == 0)
            {
                foreach (var concept in named.Where(c => !matches.Any(m => m.Concept == c)))
                {
                    matches.Add(new ConceptMatch(concept, MatchKind.Text, $"text \"{text}\"", "text"));
                }
            }
        }

        if (matches.Count > 0 && problem is not null && matches.All(m => m.Kind != MatchKind.Text))
        {
            problem = null; // a code identified the drug; an ambiguous display beside it changes nothing
        }

        return new MedicationIdentity(matches.ToImmutable(), matches.Count == 0 ? problem : null);
    }

    private bool AreLookAlikes(DrugConcept textConcept, IEnumerable<ConceptMatch> codeMatches) =>
        codeMatches.Any(m => !m.Concept.AllConceptIds.Contains(textConcept.Id) &&
                             !textConcept.AllConceptIds.Contains(m.Concept.Id) &&
                             _guards.Any(g => g.ConceptIds.Contains(m.Concept.Id) || g.ConceptIds.Contains(textConcept.Id)));
}
