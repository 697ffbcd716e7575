namespace CdsHooks.Fhir;

// FHIR R4 datatypes, only the elements the service reads or writes.
// Everything is optional: FHIR JSON in the wild omits almost anything, and unknown
// elements (extension, modifierExtension, _primitive companions) are ignored on read.

public sealed record Coding
{
    public string? System { get; init; }
    public string? Version { get; init; }
    public string? Code { get; init; }
    public string? Display { get; init; }
}

public sealed record CodeableConcept
{
    public IReadOnlyList<Coding>? Coding { get; init; }
    public string? Text { get; init; }
}

[System.Text.Json.Serialization.JsonConverter(typeof(ReferenceConverter))]
public sealed record Reference
{
    [System.Text.Json.Serialization.JsonPropertyName("reference")]
    public string? ReferenceValue { get; init; }
    public string? Display { get; init; }
}

public sealed record Quantity
{
    public decimal? Value { get; init; }
    public string? Comparator { get; init; }
    public string? Unit { get; init; }
    public string? System { get; init; }
    public string? Code { get; init; }
}

public sealed record Period
{
    public string? Start { get; init; }
    public string? End { get; init; }
}

public sealed record Range
{
    public Quantity? Low { get; init; }
    public Quantity? High { get; init; }
    public string? Text { get; init; }
}

public sealed record TimingRepeat
{
    public Period? BoundsPeriod { get; init; }
    public int? Count { get; init; }
    public int? Frequency { get; init; }
    public decimal? Period { get; init; }
    public string? PeriodUnit { get; init; }
}

public sealed record Timing
{
    public TimingRepeat? Repeat { get; init; }
    public CodeableConcept? Code { get; init; }
}

public sealed record DoseAndRate
{
    public CodeableConcept? Type { get; init; }
    public Quantity? DoseQuantity { get; init; }
    public Range? DoseRange { get; init; }
}

public sealed record Dosage
{
    public int? Sequence { get; init; }
    public string? Text { get; init; }
    public Timing? Timing { get; init; }
    public CodeableConcept? Route { get; init; }
    public IReadOnlyList<DoseAndRate>? DoseAndRate { get; init; }
}

public sealed record Annotation
{
    public string? Text { get; init; }
}
