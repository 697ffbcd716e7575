
namespace CdsHooks.Engine.Patients;

/// <summary>
/// The line of therapy for metastatic disease that the treatment ordered now belongs to.
/// Counted: HER2-targeted regimens (class her2-targeted; current or past therapy, never this session's
/// drafts) that started on or after the metastatic onset. Items starting within 21 days of a regimen's
/// first item belong to it (drugs of one regimen are started together), and so does a later item of a
/// drug the regimen already holds (the next infusion of the same drug is not a new line). A regimen
/// whose first item started within the last 21 days is the one being ordered now, not a prior line.
/// (Neo)adjuvant HER2 therapy (ended before the metastatic onset) that ended 12 calendar months or less
/// before it counts as first-line therapy (seed 004: recurrence ≤ 12 months after adjuvant trastuzumab
/// follows second-line recommendations); exactly 12 months counts, 12 months + 1 day does not.
/// </summary>
internal static class LineOfTherapy
{
    public const int SameRegimenDays = 21;
    public const int EarlyRelapseMonths = 12;
    private const string Her2Class = "her2-targeted";


    public static Fact<Line> Determine(PatientFacts facts, Regimen regimen, PatientData data, DateTimeOffset now)
    {
        switch (facts.Metastatic.Value)
        {
            case Status.Negative:
                return new(Line.NotMetastatic, facts.Metastatic.Text);
            case Status.Unknown:
                return new(Line.Unknown, "line of therapy unknown: " + facts.Metastatic.Text);
        }

        if (!data.MedicationHistoryAvailable)
        {
            return new(Line.Unknown, "line of therapy unknown: the medication history could not be obtained");
        }

        var her2 = regimen.Items.Where(i => i.Origin != Origin.Draft && i.ClassIds.Contains(Her2Class)).ToList();
        if (her2.Count == 0)
        {
            return new(Line.First, "first line: no HER2-targeted therapy on record");
        }

        if (facts.MetastaticOnset is not { } onsetInstant)
        {
            return new(Line.Unknown, "line of therapy unknown: the date of metastatic onset is not recorded");
        }

        if (her2.FirstOrDefault(i => i.Start is null) is { } undated)
        {
            return new(Line.Unknown, $"line of therapy unknown: {undated.Display} ({undated.Reference ?? undated.ResourceType}) has no start date");
        }

        var onset = ClinicalRecords.DateOf(onsetInstant);
        var regimens = Group(her2.Where(i => ClinicalRecords.DateOf(i.Start!.Value) >= onset));
        var current = regimens.Count > 0 && ClinicalRecords.DateOf(now) - regimens[^1].Start <= TimeSpan.FromDays(SameRegimenDays)
            ? regimens[^1]
            : null;
        var prior = current is null ? regimens : regimens.Take(regimens.Count - 1).ToList();

        var adjuvant = Adjuvant(her2.Where(i => ClinicalRecords.DateOf(i.Start!.Value) < onset).ToList(), onset);
        if (adjuvant.Undecided is { } undecided)
        {
            return new(Line.Unknown, "line of therapy unknown: " + undecided);
        }

        var count = prior.Count + (adjuvant.EarlyRelapse ? 1 : 0);
        var line = count switch { 0 => Line.First, 1 => Line.Second, _ => Line.ThirdOrLater };
        var name = line switch { Line.First => "first line", Line.Second => "second line", _ => "third or later line" };
        var parts = new List<string>();
        if (adjuvant.Text is not null)
        {
            parts.Add(adjuvant.Text);
        }

        parts.Add(prior.Count == 0
            ? $"no HER2-targeted regimen since metastatic onset {ClinicalRecords.Day(onsetInstant)}"
            : $"{string.Join("; ", prior.Select(r => r.Describe()))} after metastatic onset {ClinicalRecords.Day(onsetInstant)}");
        if (current is not null)
        {
            parts.Add($"{current.Describe()} is the regimen being given now");
        }

        return new(line, $"{name}: {string.Join("; ", parts)}");
    }

    /// <summary>Groups items (sorted by start) into regimens.</summary>
    private static List<Her2Regimen> Group(IEnumerable<RegimenItem> items)
    {
        var regimens = new List<Her2Regimen>();
        var sorted = items.ToList();
        if (!InStartOrder(sorted))
        {
            sorted = [.. sorted.OrderBy(i => i.Start)];
        }

        foreach (var item in sorted)
        {
            var start = ClinicalRecords.DateOf(item.Start!.Value);
            var last = regimens.Count == 0 ? null : regimens[^1];
            if (last is not null && (start - last.Start <= TimeSpan.FromDays(SameRegimenDays) || last.Holds(item)))
            {
                last.Add(item);
            }
            else
            {
                var regimen = new Her2Regimen(start);
                regimen.Add(item);
                regimens.Add(regimen);
            }
        }

        return regimens;
    }

    /// <summary>Whether the items are already oldest first (the history usually is), so that the stable
    /// sort above would leave them as they are.</summary>
    private static bool InStartOrder(List<RegimenItem> items)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (items[i].Start is not { } start || items[i - 1].Start is not { } previous || start < previous)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Early relapse after (neo)adjuvant HER2 therapy, or why it cannot be decided.</summary>
    private static (bool EarlyRelapse, string? Text, string? Undecided) Adjuvant(List<RegimenItem> items, DateTime onset)
    {
        if (items.Count == 0)
        {
            return (false, null, null);
        }

        var names = string.Join(" + ", items.Select(i => i.Display).Distinct(StringComparer.Ordinal));
        var ongoing = items.FirstOrDefault(i => i.Origin == Origin.Active || (i.End is { } e && ClinicalRecords.DateOf(e) >= onset));
        if (ongoing is not null)
        {
            return (true, $"metastatic relapse during (neo)adjuvant {names} (counts as first-line therapy)", null);
        }

        var ended = items.Where(i => i.End is not null).Select(i => ClinicalRecords.DateOf(i.End!.Value)).DefaultIfEmpty(DateTime.MinValue).Max();
        var window = $"within {EarlyRelapseMonths} months";
        if (ended != DateTime.MinValue && onset <= ended.AddMonths(EarlyRelapseMonths))
        {
            return (true, $"metastatic relapse {window} of the end of (neo)adjuvant {names} on {ClinicalRecords.Day(ended)} (counts as first-line therapy)", null);
        }

        // An item without an end date ran until some day after its start: if it started within the
        // window the relapse was early; if it started before, the relapse may or may not have been.
        var open = items.Where(i => i.End is null).OrderByDescending(i => i.Start).FirstOrDefault();
        if (open is not null && onset <= ClinicalRecords.DateOf(open.Start!.Value).AddMonths(EarlyRelapseMonths))
        {
            return (true, $"metastatic relapse {window} of (neo)adjuvant {names} started {ClinicalRecords.Day(open.Start)} (counts as first-line therapy)", null);
        }

        if (open is not null)
        {
            return (false, null, $"(neo)adjuvant {open.Display} from {ClinicalRecords.Day(open.Start)} has no end date, so a relapse {window} of its end cannot be ruled out");
        }

        return (false, $"(neo)adjuvant {names} ended {ClinicalRecords.Day(ended)}, more than {EarlyRelapseMonths} months before the metastatic onset", null);
    }

    private sealed class Her2Regimen(DateTime start)
    {
        private readonly List<RegimenItem> _items = [];

        public DateTime Start { get; } = start;
        public HashSet<string> Concepts { get; } = new(StringComparer.Ordinal);

        public void Add(RegimenItem item)
        {
            _items.Add(item);
            foreach (var id in item.ConceptIds.Items) // by index: UnionWith(FrozenSet) boxes an enumerator per item
            {
                Concepts.Add(id);
            }
        }

        /// <summary>Whether the regimen already holds a drug of the item (the next infusion of the same drug).</summary>
        public bool Holds(RegimenItem item)
        {
            foreach (var id in item.ConceptIds.Items)
            {
                if (Concepts.Contains(id))
                {
                    return true;
                }
            }

            return false;
        }

        public string Describe() =>
            $"{string.Join(" + ", _items.Select(i => i.Display).Distinct(StringComparer.Ordinal))} from {ClinicalRecords.Day(Start)}";
    }
}
