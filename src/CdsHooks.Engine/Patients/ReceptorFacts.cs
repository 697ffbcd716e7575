using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// ER, PR, HER2 and hormone-receptor status. The latest result (by effective date, by calendar day)
/// wins; results of the same day that disagree leave the status unknown. HER2 IHC 2+ is equivocal:
/// unknown unless an ISH result of the same day or later decides it. Unknown is its own state: a
/// receptor that was never reported is never read as negative.
/// </summary>
internal static class ReceptorFacts
{
    /// <summary>ICD-10-CM Z17.0 "Estrogen receptor positive status [ER+]", Z17.1 "Estrogen receptor
    /// negative status [ER-]" (ICD-10-CM tabular titles). Compared without the dot.</summary>
    private static readonly IReadOnlyDictionary<string, Status> ErConditions = new Dictionary<string, Status>(StringComparer.Ordinal)
    {
        ["Z170"] = Status.Positive,
        ["Z171"] = Status.Negative,
    };

    public static PatientFacts Add(PatientFacts facts, PatientData data)
    {
        // Observations first, then conditions, each in record order (the order decides ties in the card text).
        List<ReceptorResult> erResults = [], prResults = [], her2Results = [];
        foreach (var observation in data.Observations)
        {
            if (ReceptorReading.Read(observation) is { } result)
            {
                (result.Test switch { ReceptorTest.Er => erResults, ReceptorTest.Pr => prResults, _ => her2Results }).Add(result);
            }
        }

        foreach (var condition in data.Conditions)
        {
            if (!ClinicalRecords.IsVoid(condition))
            {
                AddFromCondition(condition, erResults);
            }
        }

        var er = Decide("ER", erResults, facts.Er);
        var pr = Decide("PR", prResults, facts.Pr);
        var her2 = Decide("HER2", her2Results, facts.Her2);
        return facts with { Er = er, Pr = pr, Her2 = her2, HormoneReceptor = HormoneReceptor(er, pr) };
    }

    /// <summary>Positive if ER or PR is positive; negative only if both are known negative.</summary>
    internal static Fact<Status> HormoneReceptor(Fact<Status> er, Fact<Status> pr)
    {
        if (er.Value == Status.Positive || pr.Value == Status.Positive)
        {
            var why = er.Value != Status.Positive ? pr.Text
                : pr.Value != Status.Positive ? er.Text
                : er.Text + "; " + pr.Text;
            return new(Status.Positive, "hormone receptor positive: " + why);
        }

        return er.Value == Status.Negative && pr.Value == Status.Negative
            ? new(Status.Negative, $"hormone receptor negative: {er.Text}; {pr.Text}")
            : new(Status.Unknown, $"hormone-receptor status unknown: {er.Text}; {pr.Text}");
    }

    /// <summary>ER status coded as a diagnosis (Z17.0, Z17.1).</summary>
    private static void AddFromCondition(Condition condition, List<ReceptorResult> er)
    {
        foreach (var code in ClinicalRecords.IcdCodes(condition.Code))
        {
            if (ErConditions.TryGetValue(code, out var status))
            {
                var date = ClinicalRecords.When(condition);
                er.Add(new ReceptorResult(ReceptorTest.Er, status, false, date, string.Empty, string.Empty, $"ICD-10-CM {code[..3]}.{code[3..]}"));
            }
        }
    }

    private static Fact<Status> Decide(string name, List<ReceptorResult> results, Fact<Status> notFound)
    {
        if (results.Count == 0)
        {
            return notFound;
        }

        // Undated results are older than any dated one; same-day results are decided together.
        var latestDay = DateTime.MinValue;
        foreach (var r in results)
        {
            latestDay = DayOf(r) > latestDay ? DayOf(r) : latestDay;
        }

        // The latest day's results in record order: the first of them, the first answer (not equivocal),
        // the first ISH answer, the first equivocal one, and whether the answers disagree.
        ReceptorResult? first = null, firstAnswer = null, ish = null, equivocal = null;
        Status? value = null;
        var conflict = false;
        foreach (var r in results)
        {
            if (DayOf(r) != latestDay)
            {
                continue;
            }

            first ??= r;
            if (r.Equivocal)
            {
                equivocal ??= r;
                continue;
            }

            firstAnswer ??= r;
            ish ??= r.Test == ReceptorTest.Her2Ish ? r : null;
            conflict |= value is { } v && v != r.Value;
            value ??= r.Value;
        }

        if (conflict)
        {
            var described = new List<string>();
            foreach (var r in results)
            {
                if (DayOf(r) == latestDay)
                {
                    described.Add(Describe(r));
                }
            }

            return new(Status.Unknown, $"{name} status unknown: conflicting results on the same day ({string.Join("; ", described)})");
        }

        if (value is { } decided)
        {
            // When IHC was equivocal and ISH answered, ISH is the result that decided.
            var decisive = ish ?? firstAnswer!;
            var text = $"{name} {Word(decided)} ({decisive.Source})";
            return new(decided, equivocal is null ? text : $"{text}, after an equivocal result ({equivocal.Source})");
        }

        return new(Status.Unknown, $"{name} equivocal ({first!.Source}): no ISH result on that day or later");
    }

    private static DateTime DayOf(ReceptorResult r) => r.Date is { } d ? ClinicalRecords.DateOf(d) : DateTime.MinValue;

    private static string Describe(ReceptorResult r) =>
        r.Equivocal ? "equivocal, " + r.Source : $"{Word(r.Value)}, {r.Source}";

    private static string Word(Status status) => status == Status.Positive ? "positive" : "negative";
}
