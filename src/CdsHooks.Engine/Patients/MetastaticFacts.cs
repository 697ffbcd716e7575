using CdsHooks.Engine.Concepts;
using Hl7.Fhir.Model;

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

        // One walk over the conditions, in record order (the order decides the card text and ties).
        List<Condition>? breast = null, stageFour = null;
        List<Metastasis>? metastases = null;
        foreach (var condition in data.Conditions)
        {
            if (ClinicalRecords.IsVoid(condition))
            {
                continue;
            }

            if (MetastaticSites.IsBreastCancer(condition))
            {
                (breast ??= []).Add(condition);
                if (MetastaticSites.IsStageFour(condition))
                {
                    (stageFour ??= []).Add(condition);
                }
            }

            if (MetastaticSites.Site(condition) is { } site)
            {
                (metastases ??= []).Add(new Metastasis(site, ClinicalRecords.When(condition), ClinicalRecords.IsCurrent(condition)));
            }
        }

        if (metastases is null && stageFour is null)
        {
            if (breast is null)
            {
                return facts with { Metastatic = new(Status.Unknown, "metastatic status unknown: no breast cancer diagnosis on record") };
            }

            // The earliest diagnosis (undated ones last; the first of equals), its date read once.
            var primary = breast[0];
            var primaryDate = ClinicalRecords.When(primary);
            for (var i = 1; i < breast.Count; i++)
            {
                var date = ClinicalRecords.When(breast[i]);
                if ((date ?? DateTimeOffset.MaxValue) < (primaryDate ?? DateTimeOffset.MaxValue))
                {
                    (primary, primaryDate) = (breast[i], date);
                }
            }

            var text = $"not metastatic: breast cancer ({Code(primary)}, {ClinicalRecords.Day(primaryDate)}) without any metastasis on record";
            return facts with
            {
                Metastatic = new(Status.Negative, text),
                Visceral = new(Status.Negative, "no visceral metastases: " + text),
            };
        }

        // Onset: the earliest metastasis; a stage IV breast cancer dates it only when no metastasis is
        // dated (a stage updated to IV later would otherwise date it back to the first diagnosis).
        DateTimeOffset? onset = null;
        foreach (var metastasis in metastases ?? [])
        {
            onset = Earlier(onset, metastasis.Date);
        }

        if (onset is null)
        {
            foreach (var condition in stageFour ?? [])
            {
                onset = Earlier(onset, ClinicalRecords.When(condition));
            }
        }

        var evidence = new List<string>((metastases?.Count ?? 0) + (stageFour?.Count ?? 0));
        foreach (var metastasis in metastases ?? [])
        {
            evidence.AddDistinct($"{metastasis.Site.Name} ({metastasis.Site.Code}{(metastasis.IsCurrent ? string.Empty : ", no longer active")})");
        }

        foreach (var condition in stageFour ?? [])
        {
            evidence.AddDistinct($"stage IV ({Code(condition)})");
        }

        var metastatic = new Fact<Status>(Status.Positive,
            $"metastatic disease since {(onset is null ? "an unrecorded date" : ClinicalRecords.Day(onset))}: {string.Join(", ", evidence)}");

        return facts with { Metastatic = metastatic, MetastaticOnset = onset, Visceral = Visceral(metastases ?? []) };
    }

    /// <summary>A metastatic site on record, with the condition's date and whether it is still active.</summary>
    private readonly record struct Metastasis(MetastaticSite Site, DateTimeOffset? Date, bool IsCurrent);

    /// <summary>The earlier of two dates, undated ones ignored; of two equal instants the one already held
    /// (its offset decides the calendar day shown).</summary>
    private static DateTimeOffset? Earlier(DateTimeOffset? held, DateTimeOffset? candidate) =>
        candidate is { } c && (held is not { } h || c < h) ? candidate : held;

    private static Fact<Status> Visceral(List<Metastasis> metastases)
    {
        // Only the current sites say where the disease is now.
        int current = 0, visceral = 0, nonVisceral = 0;
        foreach (var m in metastases)
        {
            if (m.IsCurrent)
            {
                current++;
                visceral += m.Site.Visceral == true ? 1 : 0;
                nonVisceral += m.Site.Visceral == false ? 1 : 0;
            }
        }

        if (visceral > 0)
        {
            return new(Status.Positive, "visceral metastases: " + List(metastases, true));
        }

        if (current > 0 && nonVisceral == current)
        {
            return new(Status.Negative, "non-visceral metastases only: " + List(metastases, false));
        }

        return new(Status.Unknown, current == 0
            ? "sites of metastasis unknown: no current metastatic site on record"
            : "sites of metastasis unknown: " + List(metastases, null) + " does not say whether visceral");
    }

    /// <summary>"liver (ICD-10-CM C78.7), bone or bone marrow (ICD-10-CM C79.51)": the current sites whose
    /// visceral flag is <paramref name="visceral"/>, each once, in record order.</summary>
    private static string List(List<Metastasis> metastases, bool? visceral)
    {
        var sites = new List<string>(metastases.Count);
        foreach (var m in metastases)
        {
            if (m.IsCurrent && m.Site.Visceral == visceral)
            {
                sites.AddDistinct($"{m.Site.Name} ({m.Site.Code})");
            }
        }

        return string.Join(", ", sites);
    }

    /// <summary>The first ICD-10-CM code, else the first SNOMED CT code, else the text.</summary>
    private static string Code(Condition condition)
    {
        foreach (var code in ClinicalRecords.Codes(condition.Code, CodeSystems.Icd10Cm))
        {
            return "ICD-10-CM " + code;
        }

        foreach (var code in ClinicalRecords.Codes(condition.Code, CodeSystems.Snomed))
        {
            return "SNOMED CT " + code;
        }

        return condition.Code?.Text ?? "coded condition";
    }
}
