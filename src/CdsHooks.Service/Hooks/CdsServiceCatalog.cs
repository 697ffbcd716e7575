using System.Collections.Frozen;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Prefetch;

namespace CdsHooks.Service.Hooks;

/// <summary>One CDS service as listed by discovery.</summary>
public sealed record CdsServiceDefinition(
    string Id,
    string Hook,
    HookKind Kind,
    string Title,
    string Description,
    string UsageRequirements,
    IReadOnlyDictionary<string, string> Prefetch);

/// <summary>
/// The two services. Distinct ids per hook: the CDS Hooks sandbox keys services by id and drops
/// duplicates (cds-hooks-2.0.md item 9). Prefetch templates use only {{context.patientId}} and the
/// 2.0 query subset: type-level search by patient, token equality, _sort and _count (item 25).
/// </summary>
public static class CdsServiceCatalog
{
    public const string OrderSelectId = "triple-positive-order-select";
    public const string OrderSignId = "triple-positive-order-sign";

    /// <summary>LOINC codes the observation prefetch asks for (clinical-facts.md §5.1): ER, PR, HER2
    /// IHC and ISH, body weight, platelets, ALT, AST, total bilirubin, LVEF.</summary>
    public static readonly string[] ObservationCodes =
    [
        "85337-4", "16112-5", "85339-0", "16113-3", "85319-2", "18474-7", "48676-1", "85318-4", "31150-6",
        "29463-7", "777-3", "1742-6", "1743-4", "76625-3", "1920-8", "30239-8", "14409-7",
        "1975-2", "42719-5", "59828-4", "10230-1", "18043-0", "8806-2",
    ];

    public static readonly IReadOnlyDictionary<string, string> PrefetchTemplates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PrefetchKeys.Patient] = "Patient/{{context.patientId}}",
        [PrefetchKeys.Conditions] = "Condition?patient={{context.patientId}}&_count=100",
        [PrefetchKeys.Observations] = "Observation?patient={{context.patientId}}&code=" +
            string.Join(",", ObservationCodes.Select(c => "http://loinc.org|" + c)) + "&_sort=-date&_count=200",
        [PrefetchKeys.MedicationRequests] = "MedicationRequest?patient={{context.patientId}}&_count=200",
        [PrefetchKeys.MedicationStatements] = "MedicationStatement?patient={{context.patientId}}&_count=200",
        [PrefetchKeys.MedicationAdministrations] = "MedicationAdministration?patient={{context.patientId}}&_sort=-date&_count=200",
    };

    private const string Usage =
        "Adult patients with breast cancer. Needs FHIR R4 (MedicationRequest draft orders). Uses the patient's conditions, " +
        "receptor and laboratory observations and medication history; prefetch or a reachable FHIR server with read access.";

    public static readonly FrozenDictionary<string, CdsServiceDefinition> Services = new CdsServiceDefinition[]
    {
        new(OrderSelectId, "order-select", HookKind.OrderSelect,
            "HR+/HER2+ metastatic breast cancer regimen check (order selection)",
            "Checks the selected drug against the whole draft regimen and the patient's current therapy for HR+/HER2+ " +
            "(triple-positive) metastatic breast cancer: combinations without evidence, line-of-therapy sequencing, " +
            "T-DM1 dose and pre-dose safety. Offers one-click substitutions.",
            Usage, PrefetchTemplates),
        new(OrderSignId, "order-sign", HookKind.OrderSign,
            "HR+/HER2+ metastatic breast cancer regimen check (order signing)",
            "Checks every draft order before signing against the regimen and the treatment sequence for HR+/HER2+ " +
            "(triple-positive) metastatic breast cancer, including T-DM1 dose and pre-dose laboratory safety.",
            Usage, PrefetchTemplates),
    }.ToFrozenDictionary(s => s.Id, StringComparer.Ordinal);
}
