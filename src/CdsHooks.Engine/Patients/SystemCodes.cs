using System.Collections;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// The codes of one code system in a concept, trimmed, in coding order; ICD-10-CM codes without their
/// dots (see <see cref="ClinicalRecords.IcdCodes"/>). A struct with a struct enumerator: a foreach over
/// it allocates nothing, which matters because every condition and observation is read this way on
/// every hook call. LINQ over it still works (boxed), for the places that build card text.
/// </summary>
internal readonly struct SystemCodes(CodeableConcept? concept, string system, bool withoutDots) : IEnumerable<string>
{
    public Enumerator GetEnumerator() => new(concept?.Coding ?? NoCodings, system, withoutDots);

    private static readonly List<Coding> NoCodings = [];

    public bool Contains(string code)
    {
        foreach (var c in this)
        {
            if (c == code)
            {
                return true;
            }
        }

        return false;
    }

    IEnumerator<string> IEnumerable<string>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(List<Coding> codings, string system, bool withoutDots) : IEnumerator<string>
    {
        private int _index = -1;

        public string Current { get; private set; } = string.Empty;

        readonly object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            while (++_index < codings.Count)
            {
                var coding = codings[_index];
                if (coding.Code is { } code && Concepts.CodeSystems.Is(coding.System, system))
                {
                    code = code.Trim();
                    Current = withoutDots ? code.Replace(".", string.Empty, StringComparison.Ordinal) : code;
                    return true;
                }
            }

            return false;
        }

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
