using CdsHooks.Engine.Concepts;
using CdsHooks.Fhir;

namespace CdsHooks.Engine.Patients;

/// <summary>
/// Metastatic disease, its onset and whether it is visceral, from the patient's Conditions.
/// Refuted and entered-in-error conditions are ignored. A metastasis that is inactive, in remission or
/// resolved still counts for "metastatic" and for the onset date (the treatment setting stays metastatic,
/// and lines of therapy count from the first onset), but not for the current sites (visceral or not).
/// "Not metastatic" needs a breast cancer diagnosis and no metastasis on record (early breast cancer);
/// without any breast cancer data the status is unknown.
/// </summary>
internal static class MetastaticFacts
{
    public static PatientFacts Add(PatientFacts facts, PatientData data)
    {
        if (!data.IsAvailable(DataKind.Conditions))
        {
            return facts with
            {
                Metastatic = new(Status.Unknown, "metastatic status unknown: diagnoses could not be obtained"),
                Visceral = new(Status.Unknown, "sites of metastasis unknown: diagnoses could not be obtained"),
            };
        }

        var conditions = data.Conditions.Where(c => !ClinicalRecords.IsVoid(c)).ToList();
        var breast = conditions.Where(MetastaticSites.IsBreastCancer).ToList();
        var metastases = conditions
            .Select(c => (Condition: c, Site: MetastaticSites.Site(c)))
            .Where(m => m.Site is not null)
            .Select(m => (m.Condition, Site: m.Site!))
            .ToList();
        var stageFour = breast.Where(MetastaticSites.IsStageFour).ToList();

        if (metastases.Count == 0 && stageFour.Count == 0)
        {
            if (breast.Count == 0)
            {
                return facts with { Metastatic = new(Status.Unknown, "metastatic status unknown: no breast cancer diagnosis on record") };
            }

            var primary = breast.OrderBy(c => ClinicalRecords.When(c) ?? DateTimeOffset.MaxValue).First();
            var text = $"not metastatic: breast cancer ({Code(primary)}, {ClinicalRecords.Day(ClinicalRecords.When(primary))}) without any metastasis on record";
            return facts with
            {
                Metastatic = new(Status.Negative, text),
                Visceral = new(Status.Negative, "no visceral metastases: " + text),
            };
        }

        // Onset: the earliest metastasis; a stage IV breast cancer dates it only when no metastasis is
        // dated (a stage updated to IV later would otherwise date it back to the first diagnosis).
        var onset = metastases.Select(m => ClinicalRecords.When(m.Condition)).Where(d => d is not null).Min()
            ?? stageFour.Select(ClinicalRecords.When).Where(d => d is not null).Min();
        var evidence = metastases.Select(m => $"{m.Site.Name} ({m.Site.Code}{(ClinicalRecords.IsCurrent(m.Condition) ? string.Empty : ", no longer active")})")
            .Concat(stageFour.Select(c => $"stage IV ({Code(c)})"))
            .Distinct(StringComparer.Ordinal);
        var metastatic = new Fact<Status>(Status.Positive,
            $"metastatic disease since {(onset is null ? "an unrecorded date" : ClinicalRecords.Day(onset))}: {string.Join(", ", evidence)}");

        return facts with { Metastatic = metastatic, MetastaticOnset = onset, Visceral = Visceral(metastases) };
    }

    private static Fact<Status> Visceral(List<(Condition Condition, MetastaticSite Site)> metastases)
    {
        var current = metastases.Where(m => ClinicalRecords.IsCurrent(m.Condition)).Select(m => m.Site).ToList();
        string List(IEnumerable<MetastaticSite> sites) =>
            string.Join(", ", sites.Select(s => $"{s.Name} ({s.Code})").Distinct(StringComparer.Ordinal));

        if (current.Any(s => s.Visceral == true))
        {
            return new(Status.Positive, "visceral metastases: " + List(current.Where(s => s.Visceral == true)));
        }

        if (current.Count > 0 && current.All(s => s.Visceral == false))
        {
            return new(Status.Negative, "non-visceral metastases only: " + List(current));
        }

        return new(Status.Unknown, current.Count == 0
            ? "sites of metastasis unknown: no current metastatic site on record"
            : "sites of metastasis unknown: " + List(current.Where(s => s.Visceral is null)) + " does not say whether visceral");
    }

    private static string Code(Condition condition) =>
        ClinicalRecords.Codes(condition.Code, CodeSystems.Icd10Cm).Select(c => "ICD-10-CM " + c)
            .Concat(ClinicalRecords.Codes(condition.Code, CodeSystems.Snomed).Select(c => "SNOMED CT " + c))
            .FirstOrDefault() ?? condition.Code?.Text ?? "coded condition";
}
