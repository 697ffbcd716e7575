using System.Text.Json.Serialization;

namespace CdsHooks.Fhir;

/// <summary>
/// Base of every resource. The JSON discriminator is <c>resourceType</c>; a type the model does not
/// know (Encounter, ServiceRequest, ...) is read as a plain <see cref="Resource"/> and ignored by callers.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "resourceType",
    IgnoreUnrecognizedTypeDiscriminators = true,
    UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FallBackToBaseType)]
[JsonDerivedType(typeof(Bundle), "Bundle")]
[JsonDerivedType(typeof(MedicationRequest), "MedicationRequest")]
[JsonDerivedType(typeof(Medication), "Medication")]
[JsonDerivedType(typeof(MedicationStatement), "MedicationStatement")]
[JsonDerivedType(typeof(MedicationAdministration), "MedicationAdministration")]
[JsonDerivedType(typeof(Patient), "Patient")]
[JsonDerivedType(typeof(Condition), "Condition")]
[JsonDerivedType(typeof(Observation), "Observation")]
[JsonDerivedType(typeof(OperationOutcome), "OperationOutcome")]
public record Resource
{
    public string? Id { get; init; }

    /// <summary>The FHIR type name, or null for a type this model does not know.</summary>
    [JsonIgnore]
    public string? TypeName => this switch
    {
        Bundle => "Bundle",
        MedicationRequest => "MedicationRequest",
        Medication => "Medication",
        MedicationStatement => "MedicationStatement",
        MedicationAdministration => "MedicationAdministration",
        Patient => "Patient",
        Condition => "Condition",
        Observation => "Observation",
        OperationOutcome => "OperationOutcome",
        _ => null,
    };
}

public sealed record Bundle : Resource
{
    public string? Type { get; init; }
    public int? Total { get; init; }
    public IReadOnlyList<BundleLink>? Link { get; init; }
    public IReadOnlyList<BundleEntry>? Entry { get; init; }

    /// <summary>The <c>next</c> page of a searchset, if the server paginated it.</summary>
    public string? NextLink => Link?.FirstOrDefault(l => l.Relation == "next")?.Url;
}

public sealed record BundleLink
{
    public string? Relation { get; init; }
    public string? Url { get; init; }
}

public sealed record BundleEntry
{
    public string? FullUrl { get; init; }
    public Resource? Resource { get; init; }
}

/// <summary>Shared shape of the three medication resources: a drug, given inline or by reference.</summary>
public interface IMedicationUse
{
    string? Id { get; }
    string? Status { get; }
    CodeableConcept? MedicationCodeableConcept { get; }
    Reference? MedicationReference { get; }
    IReadOnlyList<Resource>? Contained { get; }
}

public sealed record MedicationRequest : Resource, IMedicationUse
{
    public IReadOnlyList<Resource>? Contained { get; init; }
    public string? Status { get; init; }
    /// <summary>Why the request is in its status (R4 MedicationRequest.statusReason, 0..1), e.g. stopped for progression.</summary>
    public CodeableConcept? StatusReason { get; init; }
    public string? Intent { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public Reference? MedicationReference { get; init; }
    public Reference? Subject { get; init; }
    public Reference? Encounter { get; init; }
    public string? AuthoredOn { get; init; }
    public Reference? Requester { get; init; }
    public IReadOnlyList<Dosage>? DosageInstruction { get; init; }
    public IReadOnlyList<Annotation>? Note { get; init; }
}

public sealed record MedicationIngredient
{
    public CodeableConcept? ItemCodeableConcept { get; init; }
    public Reference? ItemReference { get; init; }
    public bool? IsActive { get; init; }
}

public sealed record Medication : Resource
{
    public CodeableConcept? Code { get; init; }
    public IReadOnlyList<MedicationIngredient>? Ingredient { get; init; }
}

public sealed record MedicationStatement : Resource, IMedicationUse
{
    public IReadOnlyList<Resource>? Contained { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<CodeableConcept>? StatusReason { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public Reference? MedicationReference { get; init; }
    public Reference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public string? DateAsserted { get; init; }
    public IReadOnlyList<Dosage>? Dosage { get; init; }
}

public sealed record AdministrationDosage
{
    public string? Text { get; init; }
    public Quantity? Dose { get; init; }
}

public sealed record MedicationAdministration : Resource, IMedicationUse
{
    public IReadOnlyList<Resource>? Contained { get; init; }
    public string? Status { get; init; }
    public CodeableConcept? MedicationCodeableConcept { get; init; }
    public Reference? MedicationReference { get; init; }
    public Reference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public AdministrationDosage? Dosage { get; init; }
}

public sealed record Patient : Resource
{
    public string? Gender { get; init; }
    public string? BirthDate { get; init; }
}

public sealed record ConditionStage
{
    public CodeableConcept? Summary { get; init; }
}

public sealed record Condition : Resource
{
    public CodeableConcept? ClinicalStatus { get; init; }
    public CodeableConcept? VerificationStatus { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public IReadOnlyList<CodeableConcept>? BodySite { get; init; }
    public Reference? Subject { get; init; }
    public string? OnsetDateTime { get; init; }
    public Period? OnsetPeriod { get; init; }
    public string? AbatementDateTime { get; init; }
    public string? RecordedDate { get; init; }
    public IReadOnlyList<ConditionStage>? Stage { get; init; }
}

public sealed record ObservationReferenceRange
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
    public string? Text { get; init; }
}

public sealed record ObservationComponent
{
    public CodeableConcept? Code { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public string? ValueString { get; init; }
}

public sealed record Observation : Resource
{
    public string? Status { get; init; }
    public IReadOnlyList<CodeableConcept>? Category { get; init; }
    public CodeableConcept? Code { get; init; }
    public Reference? Subject { get; init; }
    public string? EffectiveDateTime { get; init; }
    public Period? EffectivePeriod { get; init; }
    public string? Issued { get; init; }
    public Quantity? ValueQuantity { get; init; }
    public CodeableConcept? ValueCodeableConcept { get; init; }
    public string? ValueString { get; init; }
    public bool? ValueBoolean { get; init; }
    public IReadOnlyList<CodeableConcept>? Interpretation { get; init; }
    public IReadOnlyList<ObservationReferenceRange>? ReferenceRange { get; init; }
    public IReadOnlyList<ObservationComponent>? Component { get; init; }
}

public sealed record OperationOutcomeIssue
{
    public required string Severity { get; init; }
    public required string Code { get; init; }
    public CodeableConcept? Details { get; init; }
    public string? Diagnostics { get; init; }
    public IReadOnlyList<string>? Expression { get; init; }
}

public sealed record OperationOutcome : Resource
{
    public IReadOnlyList<OperationOutcomeIssue>? Issue { get; init; }

    /// <summary>One error issue; <paramref name="expression"/> is the FHIRPath/JSON path of the fault.</summary>
    public static OperationOutcome Error(string code, string diagnostics, string? expression = null) => new()
    {
        Issue =
        [
            new OperationOutcomeIssue
            {
                Severity = "error",
                Code = code,
                Diagnostics = diagnostics,
                Expression = string.IsNullOrEmpty(expression) ? null : [expression],
            },
        ],
    };
}
