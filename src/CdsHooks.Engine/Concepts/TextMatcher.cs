using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Collections.Immutable;

namespace CdsHooks.Engine.Concepts;

/// <summary>
/// Recognises drug names in free text (an order's text, a coding's display) as whole-word token
/// sequences, longest match first, so that "ado-trastuzumab emtansine" is consumed whole and never
/// also read as "trastuzumab" (FDA Drug Safety Communication 2013, clinical-facts.md §3.0).
/// Case, hyphens, punctuation and accents are ignored: "Trastuzumab-DKST", "trastuzumab dkst" are the
/// same, and so are "létrozole" and "letrozole" (European INN spellings carry accents; issue 14).
/// </summary>
internal sealed class TextMatcher
{
    private readonly FrozenDictionary<string, ImmutableArray<(string[] Tokens, DrugConcept Concept)>> _byFirstToken;
    private readonly ImmutableArray<LookAlikeGuard> _guards;

    public TextMatcher(IEnumerable<(string Name, DrugConcept Concept)> names, ImmutableArray<LookAlikeGuard> guards)
    {
        _byFirstToken = names
            .Select(n => (Tokens: Tokenize(n.Name), n.Concept))
            .Where(n => n.Tokens.Length > 0)
            .GroupBy(n => n.Tokens[0], StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.OrderByDescending(n => n.Tokens.Length).ToImmutableArray(),
                StringComparer.Ordinal);
        _guards = guards;
    }

    public static string[] Tokenize(string text)
    {
        if (!System.Text.Ascii.IsValid(text))
        {
            text = WithoutAccents(text);
        }

        Span<char> buffer = text.Length <= 512 ? stackalloc char[text.Length] : new char[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            buffer[i] = char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ';
        }

        return new string(buffer).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>"déruxtécan" → "deruxtecan", "tamoxifène" → "tamoxifene": the accented Latin letters of the
    /// European INN spellings folded to their base letter. A table, not Unicode normalisation: the service
    /// may run with invariant globalization, where string.Normalize does not decompose.</summary>
    private static string WithoutAccents(string text) => string.Create(text.Length, text, static (buffer, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            buffer[i] = Fold(source[i]);
        }
    });

    private static char Fold(char c) => char.ToLowerInvariant(c) switch
    {
        'à' or 'á' or 'â' or 'ã' or 'ä' or 'å' => 'a',
        'ç' => 'c',
        'è' or 'é' or 'ê' or 'ë' => 'e',
        'ì' or 'í' or 'î' or 'ï' => 'i',
        'ñ' => 'n',
        'ò' or 'ó' or 'ô' or 'õ' or 'ö' => 'o',
        'ù' or 'ú' or 'û' or 'ü' => 'u',
        'ý' or 'ÿ' => 'y',
        var lower => lower,
    };

    /// <summary>Results by exact text. A year of history repeats the same few drug names, and the text
    /// is read even when a code matched (to catch code/text conflicts). Bounded in count and text length,
    /// so texts chosen by a caller cannot grow it without limit; the matcher is immutable, so it never goes stale.</summary>
    private readonly ConcurrentDictionary<string, (DrugConcept[] Found, string? Ambiguity)> _cache = new(StringComparer.Ordinal);
    private const int CacheLimit = 4096;
    private const int CacheableLength = 200;

    /// <summary>Entries added so far. ConcurrentDictionary.Count takes every lock of the dictionary, and once
    /// the cache is full every new text would ask it: a counter of our own costs nothing.</summary>
    private int _cached;

    /// <summary>Concepts named in <paramref name="text"/>; <paramref name="ambiguity"/> says why a
    /// match was refused (a look-alike word left over next to a shorter name). The array may be the
    /// cached one, shared by every caller: read it, never write to it.</summary>
    public DrugConcept[] Match(string text, out string? ambiguity)
    {
        if (_cache.TryGetValue(text, out var hit))
        {
            ambiguity = hit.Ambiguity;
            return hit.Found;
        }

        var found = MatchUncached(text, out ambiguity);
        if (text.Length <= CacheableLength && Volatile.Read(ref _cached) < CacheLimit && _cache.TryAdd(text, (found, ambiguity)))
        {
            Interlocked.Increment(ref _cached);
        }

        return found;
    }

    private DrugConcept[] MatchUncached(string text, out string? ambiguity)
    {
        ambiguity = null;
        var tokens = Tokenize(text);
        var consumed = new bool[tokens.Length];
        var found = new List<DrugConcept>(1);
        var matchedTokens = new List<(DrugConcept Concept, string[] Tokens)>(1);

        for (var i = 0; i < tokens.Length; i++)
        {
            if (!_byFirstToken.TryGetValue(tokens[i], out var candidates))
            {
                continue;
            }

            foreach (var (nameTokens, concept) in candidates)
            {
                if (!StartsWithAt(tokens, i, nameTokens))
                {
                    continue;
                }

                for (var k = 0; k < nameTokens.Length; k++)
                {
                    consumed[i + k] = true;
                }

                if (!found.Contains(concept))
                {
                    found.Add(concept);
                }

                matchedTokens.Add((concept, nameTokens));

                i += nameTokens.Length - 1;
                break;
            }
        }

        foreach (var guard in _guards)
        {
            var guarded = found.FirstOrDefault(c => guard.ConceptIds.Contains(c.Id));
            if (guarded is null)
            {
                continue;
            }

            // Two look-alikes named in one order ("Herceptin / Kadcyla") are as ambiguous as a leftover word.
            var rival = matchedTokens.FirstOrDefault(m => m.Concept != guarded && m.Tokens.Any(guard.Tokens.Contains));
            if (rival.Concept is not null)
            {
                ambiguity = $"\"{text}\" names both {guarded.Display} and {rival.Concept.Display}, look-alike drugs; " +
                            "the drug was not identified";
                return [];
            }

            for (var i = 0; i < tokens.Length; i++)
            {
                if (!consumed[i] && (guard.Tokens.Contains(tokens[i]) || SharesStem(tokens[i], guard.Tokens)))
                {
                    ambiguity = $"\"{text}\" reads as {guarded.Display} but also contains \"{tokens[i]}\", " +
                                "a word of a look-alike drug; the drug was not identified";
                    return [];
                }
            }
        }

        return [.. found];
    }

    /// <summary>The length of the stem shared with a guard word that makes a leftover word look-alike:
    /// "emtansin" (German), "emtansina" (Spanish) or a misspelt "deruxtekan" left beside "trastuzumab" are
    /// read as the guard's word, so an unknown spelling of a conjugate is never taken for plain trastuzumab.</summary>
    internal const int StemLength = 6;

    private static bool SharesStem(string token, FrozenSet<string> guardTokens)
    {
        if (token.Length < StemLength)
        {
            return false;
        }

        foreach (var word in guardTokens.Items)
        {
            if (word.Length >= StemLength && string.CompareOrdinal(token, 0, word, 0, StemLength) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool StartsWithAt(string[] tokens, int start, string[] name)
    {
        if (start + name.Length > tokens.Length)
        {
            return false;
        }

        for (var k = 0; k < name.Length; k++)
        {
            if (!string.Equals(tokens[start + k], name[k], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>When text matches one of <see cref="ConceptIds"/> and also holds one of <see cref="Tokens"/>
/// that no name consumed, the text is ambiguous (e.g. "fam-trastuzumab" without "deruxtecan").</summary>
public sealed record LookAlikeGuard(FrozenSet<string> ConceptIds, FrozenSet<string> Tokens);
