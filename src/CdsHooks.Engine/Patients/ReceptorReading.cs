using System.Text.RegularExpressions;
using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

internal enum ReceptorTest
{
    Er,
    Pr,
    Her2Ihc,
    Her2Ish,
}

/// <summary>What one receptor result says. <see cref="Equivocal"/> is HER2 IHC 2+: a result, but not
/// an answer until ISH decides it.</summary>
internal sealed record ReceptorResult(ReceptorTest Test, Status Value, bool Equivocal, DateTimeOffset? Date, string Method, string Said, string Coded)
{
    /// <summary>Where the result came from, as a card shows it ("IHC 3+, LOINC 85319-2, 2026-01-10").
    /// Made when a card text needs it: most results on record are never shown.</summary>
    public string Source
    {
        get
        {
            // The words as reported ("3+", "not amplified") unless they only repeat positive/negative.
            var answer = Said.Length > 40 ? Said[..40] + "…" : Said;
            var repeats = answer.Length == 0 || answer.Equals("positive", StringComparison.OrdinalIgnoreCase) || answer.Equals("negative", StringComparison.OrdinalIgnoreCase);
            var reported = (Method + (repeats ? string.Empty : answer)).Trim();
            return $"{(reported.Length == 0 ? string.Empty : reported + ", ")}{Coded}, {ClinicalRecords.Day(Date)}";
        }
    }
}

/// <summary>
/// Reads one receptor Observation. The LOINC answer codes LA6576-8 Positive / LA6577-6 Negative win
/// (clinical-facts.md §5.1, mCODE examples); without them the words are read: "positive"/"negative",
/// for HER2 IHC the score ("3+" positive; "0", "1+" negative; "2+" equivocal, ASCO/CAP scoring as
/// quoted in the service brief), for ISH "amplified"/"not amplified". Words that contradict each other
/// ("ER negative, PR positive" in one ER result) make the result unreadable: it is skipped, never guessed.
/// </summary>
internal static partial class ReceptorReading
{
    public const string Positive = "LA6576-8";
    public const string Negative = "LA6577-6";

    /// <summary>LOINC codes per test (clinical-facts.md §5.1). 48676-1 is the older HER2 interpretation
    /// code, read as an IHC-type result; 16112-5 / 16113-3 are the older ER / PR tissue codes.</summary>
    public static readonly IReadOnlyDictionary<string, ReceptorTest> Tests = new Dictionary<string, ReceptorTest>(StringComparer.Ordinal)
    {
        ["85337-4"] = ReceptorTest.Er,
        ["16112-5"] = ReceptorTest.Er,
        ["85339-0"] = ReceptorTest.Pr,
        ["16113-3"] = ReceptorTest.Pr,
        ["85319-2"] = ReceptorTest.Her2Ihc,
        ["18474-7"] = ReceptorTest.Her2Ihc,
        ["48676-1"] = ReceptorTest.Her2Ihc,
        ["85318-4"] = ReceptorTest.Her2Ish,
        ["31150-6"] = ReceptorTest.Her2Ish,
    };

    [GeneratedRegex(@"(?<![0-9])([0-3])\s*\+")]
    private static partial Regex IhcScore();

    [GeneratedRegex(@"^(?:her2\s*)?(?:ihc\s*)?(?:score\s*)?[:=]?\s*0$")]
    private static partial Regex IhcZero();

    [GeneratedRegex(@"\b(?:positive|pos)\b")]
    private static partial Regex PositiveWord();

    [GeneratedRegex(@"\b(?:negative|neg)\b")]
    private static partial Regex NegativeWord();

    [GeneratedRegex(@"\b(?:not|non|un)[\s-]*amplified\b|\bno\s+amplification\b")]
    private static partial Regex NotAmplified();

    [GeneratedRegex(@"\bamplifi(?:ed|cation)\b")]
    private static partial Regex Amplified();

    [GeneratedRegex(@"\b(?:equivocal|borderline)\b")]
    private static partial Regex EquivocalWord();

    /// <summary>The result of one Observation, or null when it is not a receptor result or cannot be read.</summary>
    public static ReceptorResult? Read(Observation observation)
    {
        var code = ClinicalRecords.FirstCode(observation.Code, CodeSystems.Loinc, Tests);
        if (code is null || ClinicalRecords.IsVoid(observation))
        {
            return null;
        }

        var test = Tests[code];
        var date = ClinicalRecords.When(observation);
        var answers = ClinicalRecords.Codes(observation.Value as CodeableConcept, CodeSystems.Loinc);
        var words = ClinicalRecords.Words(observation.Value as CodeableConcept);
        if (observation.Value is FhirString { Value: { } s } && !string.IsNullOrWhiteSpace(s))
        {
            words.Add(s.Trim());
        }

        var said = words.Count > 0 ? words[0] : string.Empty;
        var method = test switch
        {
            ReceptorTest.Her2Ihc => "IHC ",
            ReceptorTest.Her2Ish => "ISH ",
            _ => string.Empty,
        };

        (Status Value, bool Equivocal)? value =
            answers.Contains(Positive) && !answers.Contains(Negative) ? (Status.Positive, false)
            : answers.Contains(Negative) && !answers.Contains(Positive) ? (Status.Negative, false)
            : Interpret(test, string.Join(" ; ", words).ToLowerInvariant());
        if (value is not { } v)
        {
            return null;
        }

        return new ReceptorResult(test, v.Value, v.Equivocal, date, method, said, Coded(code));
    }

    /// <summary>"LOINC 85319-2", made once per code (the receptor codes are few and fixed).</summary>
    private static readonly IReadOnlyDictionary<string, string> CodedTexts = Tests.Keys.ToDictionary(c => c, c => "LOINC " + c, StringComparer.Ordinal);

    private static string Coded(string code) => CodedTexts.TryGetValue(code, out var text) ? text : "LOINC " + code;

    /// <summary>Reads free text; null when it says nothing or contradicts itself.</summary>
    internal static (Status Value, bool Equivocal)? Interpret(ReceptorTest test, string text)
    {
        var signals = Signal.None;
        if (test == ReceptorTest.Her2Ihc)
        {
            // The score is the match's first character (the look-behind takes no text).
            foreach (var score in IhcScore().EnumerateMatches(text))
            {
                signals |= text[score.Index] switch { '3' => Signal.Positive, '2' => Signal.Equivocal, _ => Signal.Negative };
            }

            if (IhcZero().IsMatch(text.AsSpan().Trim()))
            {
                signals |= Signal.Negative;
            }
        }

        if (test == ReceptorTest.Her2Ish && NotAmplified().IsMatch(text))
        {
            signals |= Signal.Negative;
        }
        else if (test == ReceptorTest.Her2Ish && Amplified().IsMatch(text))
        {
            signals |= Signal.Positive;
        }

        if (PositiveWord().IsMatch(text))
        {
            signals |= Signal.Positive;
        }

        if (NegativeWord().IsMatch(text))
        {
            signals |= Signal.Negative;
        }

        if (test == ReceptorTest.Her2Ihc && EquivocalWord().IsMatch(text))
        {
            signals |= Signal.Equivocal;
        }

        // Exactly one kind of signal, however often it was said.
        return signals switch
        {
            Signal.Positive => (Status.Positive, false),
            Signal.Negative => (Status.Negative, false),
            Signal.Equivocal => (Status.Unknown, true),
            _ => null,
        };
    }

    [Flags]
    private enum Signal
    {
        None = 0,
        Positive = 1,
        Negative = 2,
        Equivocal = 4,
    }
}
