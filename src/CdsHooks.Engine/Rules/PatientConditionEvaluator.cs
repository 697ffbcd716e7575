using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

/// <summary>Decides a rule's <c>patient:</c> conditions against the facts: each is met, not met,
/// or unknown; the words used go into the card so the clinician sees what was judged.</summary>
internal static class PatientConditionEvaluator
{
    public enum Result
    {
        Met,
        NotMet,
        Unknown,
    }

    public static Result Evaluate(PatientConditions c, RuleContext ctx, List<string> used, List<string> unknown)
    {
        var facts = ctx.Facts;
        // Not met wins over unknown, unknown over met.
        var anyNotMet = false;
        var anyUnknown = false;

        if (c.Her2 is not null)
        {
            Add(Flag(facts.Her2, c.Her2 == "positive"));
        }

        if (c.HormoneReceptor is not null)
        {
            Add(Flag(facts.HormoneReceptor, c.HormoneReceptor == "positive"));
        }

        if (c.Metastatic is { } metastatic)
        {
            Add(Flag(facts.Metastatic, metastatic));
        }

        if (c.Visceral is { } visceral)
        {
            Add(Flag(facts.Visceral, visceral));
        }

        if (c.LineOfTherapy is { } line)
        {
            var value = facts.LineOfTherapy.Value;
            var r = value == Line.Unknown
                ? Result.Unknown
                : line switch
                {
                    "first" => value == Line.First,
                    "second" => value == Line.Second,
                    _ => value is Line.Second or Line.ThirdOrLater,
                } ? Result.Met : Result.NotMet;
            Note(r, facts.LineOfTherapy.Text);
            Add(r);
        }

        if (c.OnFormulary is { } drug)
        {
            var on = ctx.Options.Formulary?.Contains(drug) ?? true;
            Add(on ? Result.Met : Result.NotMet);
            if (on)
            {
                used.Add($"{drug} is on the formulary ({(ctx.Options.Formulary is null ? "no formulary configured: all drugs" : "CdsService:Formulary")})");
            }
        }

        if (c.ProgressedOn is { } progressed)
        {
            Add(Progression(progressed));
        }

        return anyNotMet ? Result.NotMet
            : anyUnknown ? Result.Unknown
            : Result.Met;

        void Add(Result r)
        {
            anyNotMet |= r == Result.NotMet;
            anyUnknown |= r == Result.Unknown;
        }

        Result Flag(Fact<Status> fact, bool wanted)
        {
            var r = fact.Value == Status.Unknown ? Result.Unknown
                : (fact.Value == Status.Positive) == wanted ? Result.Met : Result.NotMet;
            Note(r, fact.Text);
            return r;
        }

        // Progression is known only from the medication history: without all of it, "no record of
        // progression" is unknown, not "did not progress".
        Result Progression(string concept)
        {
            var records = facts.Progressions.Where(p => p.Value == concept).Select(p => p.Text).Distinct(StringComparer.Ordinal).ToList();
            if (records.Count > 0)
            {
                used.AddRange(records);
                return Result.Met;
            }

            if (!ctx.Input.Data.MedicationHistoryAvailable)
            {
                unknown.Add($"progression on {concept}: the medication history could not be obtained");
                return Result.Unknown;
            }

            return Result.NotMet;
        }

        void Note(Result r, string text)
        {
            if (r == Result.Unknown)
            {
                unknown.Add(text);
            }
            else
            {
                used.Add(text);
            }
        }
    }
}
