using System.Collections.Frozen;
using System.Collections.Immutable;
using Hl7.Fhir.Model;

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
    private static readonly string AtcSystem = CodeSystems.Normalize(CodeSystems.Atc);
    private static readonly string NdcSystem = CodeSystems.Normalize(CodeSystems.Ndc);

    private readonly FrozenDictionary<(string System, string Code), CodeHit> _byCode;
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
        _byCode = byCode.ToFrozenDictionary(e => e.Key, e => CodeHit.Of(e.Key.System, e.Key.Code, e.Value.Concept, e.Value.Verification));
        _text = text;
        _guards = guards;
    }

    public FrozenDictionary<string, DrugConcept> Concepts { get; }
    public FrozenDictionary<string, DrugClass> Classes { get; }
    public int CodeCount => _byCode.Count;

    /// <summary>Every (system, code) known for <paramref name="conceptId"/>, with its verification tag.
    /// For listings (the demo's drug search); a scan of the dictionary, never used on the hook path.</summary>
    public IEnumerable<(string System, string Code, string Verification)> CodesOf(string conceptId) =>
        _byCode.Where(e => e.Value.Match.Concept.Id == conceptId)
            .Select(e => (e.Key.System, e.Key.Code, e.Value.Match.Verification));

    public MedicationIdentity Resolve(CodeableConcept? medication)
    {
        if (medication is null)
        {
            return MedicationIdentity.Unknown;
        }

        var codings = medication.Coding;
        var (matches, identity) = MatchCodes(codings);

        // The displays of the codings, then the text (whatever is not blank).
        string? problem = null;
        for (var i = 0; i <= codings.Count; i++)
        {
            var text = i < codings.Count ? codings[i].Display : medication.Text;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var named = _text.Match(text, out var ambiguity);
            problem ??= ambiguity;
            foreach (var concept in named)
            {
                if (!matches.IsEmpty && !Names(matches, concept) && AreLookAlikes(concept, matches))
                {
                    return new MedicationIdentity([],
                        $"the code identifies {string.Join(", ", matches.Select(m => m.Concept.Display))} but the text " +
                        $"\"{text}\" names {concept.Display}; the drug was not identified");
                }
            }

            if (matches.IsEmpty)
            {
                foreach (var concept in named)
                {
                    if (!Names(matches, concept))
                    {
                        matches = matches.Add(new ConceptMatch(concept, MatchKind.Text, $"text \"{text}\"", "text"));
                    }
                }
            }
        }

        // An ambiguous display beside a match changes nothing: only an unrecognised drug says why.
        if (matches.IsEmpty)
        {
            return problem is null ? MedicationIdentity.Unknown : new MedicationIdentity([], problem);
        }

        return identity ?? new MedicationIdentity(matches, null);
    }

    /// <summary>The drugs the codes name, and their precomputed identity when one code names one drug
    /// (nearly every medication: no allocation for it).</summary>
    private (ImmutableArray<ConceptMatch> Matches, MedicationIdentity? Single) MatchCodes(IReadOnlyList<Coding> codings)
    {
        ImmutableArray<ConceptMatch> matches = [];
        MedicationIdentity? single = null;
        for (var i = 0; i < codings.Count; i++) // by index: no boxed enumerator per medication
        {
            var coding = codings[i];
            var system = CodeSystems.Normalize(coding.System);
            var code = system == NdcSystem ? CodeSystems.NdcProduct(coding.Code) : coding.Code; // NDC: by product, any package
            if (code is null ||
                !_byCode.TryGetValue((system, code), out var hit) ||
                Names(matches, hit.Match.Concept))
            {
                continue;
            }

            single = matches.IsEmpty ? hit.Identity : null;
            matches = matches.IsEmpty ? hit.Identity.Matches : matches.Add(hit.Match);
        }

        return (matches, single);
    }

    private static bool Names(ImmutableArray<ConceptMatch> matches, DrugConcept concept)
    {
        foreach (var match in matches)
        {
            if (match.Concept == concept)
            {
                return true;
            }
        }

        return false;
    }

    private bool AreLookAlikes(DrugConcept textConcept, ImmutableArray<ConceptMatch> codeMatches) =>
        codeMatches.Any(m => !m.Concept.AllConceptIds.Contains(textConcept.Id) &&
                             !textConcept.AllConceptIds.Contains(m.Concept.Id) &&
                             _guards.Any(g => g.ConceptIds.Contains(m.Concept.Id) || g.ConceptIds.Contains(textConcept.Id)));

    /// <summary>What a known (system, code) means, built once at load: the match and the identity of
    /// an order that carries only this code.</summary>
    private sealed record CodeHit(ConceptMatch Match, MedicationIdentity Identity)
    {
        public static CodeHit Of(string system, string code, DrugConcept concept, string verification)
        {
            var kind = system == AtcSystem ? MatchKind.Atc : system == NdcSystem ? MatchKind.Ndc : MatchKind.RxNorm;
            var label = kind == MatchKind.Ndc ? "NDC" : kind.ToString();
            var match = new ConceptMatch(concept, kind, $"{label} {code}", verification);
            return new CodeHit(match, new MedicationIdentity([match], null));
        }
    }
}
