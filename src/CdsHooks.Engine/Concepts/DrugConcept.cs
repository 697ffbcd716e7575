using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CdsHooks.Engine.Concepts;

/// <summary>A drug as the rules see it. <see cref="AllConceptIds"/> includes the ingredients a
/// combination product counts as (Phesgo counts as pertuzumab and trastuzumab).</summary>
public sealed record DrugConcept(
    string Id,
    string Display,
    ImmutableArray<string> Brands,
    FrozenSet<string> AllConceptIds,
    FrozenSet<string> AllClassIds);

public sealed record DrugClass(string Id, string Display, string? Parent);

/// <summary>How an order's drug was recognised; shown in card details so a pharmacist can audit it.</summary>
public enum MatchKind
{
    RxNorm,
    Atc,
    Ndc,
    Text,
}

public sealed record ConceptMatch(DrugConcept Concept, MatchKind Kind, string Evidence, string Verification);
