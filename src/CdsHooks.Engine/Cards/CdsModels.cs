using System.Text.Json.Serialization;
using CdsHooks.Engine.Fhir;
using Hl7.Fhir.Model;

namespace CdsHooks.Engine.Cards;

// CDS Hooks 2.0 response shapes (§Card attributes). Optional members are null when absent and the
// serializer omits nulls; builders never create empty strings or lists (the spec forbids them).

public sealed record CdsResponse
{
    public required IReadOnlyList<Card> Cards { get; init; }
    public IReadOnlyList<CdsAction>? SystemActions { get; init; }
}

public sealed record Card
{
    public required string Uuid { get; init; }
    public required string Summary { get; init; }
    public string? Detail { get; init; }
    public required string Indicator { get; init; }
    public required CardSource Source { get; init; }
    public IReadOnlyList<Suggestion>? Suggestions { get; init; }
    public string? SelectionBehavior { get; init; }
    public IReadOnlyList<CdsCoding>? OverrideReasons { get; init; }
    public IReadOnlyList<CdsLink>? Links { get; init; }
    public CardExtension? Extension { get; init; }
}

public sealed record CardSource
{
    public required string Label { get; init; }
    public string? Url { get; init; }
    public CdsCoding? Topic { get; init; }
}

public sealed record CdsCoding
{
    public required string System { get; init; }
    public required string Code { get; init; }
    public string? Display { get; init; }
}

public sealed record Suggestion
{
    public required string Label { get; init; }
    public required string Uuid { get; init; }
    public bool? IsRecommended { get; init; }
    public required IReadOnlyList<CdsAction> Actions { get; init; }
}

public sealed record CdsAction
{
    public required string Type { get; init; }
    public required string Description { get; init; }
    [JsonConverter(typeof(FhirResourceConverter))]
    public Resource? Resource { get; init; }
    public string? ResourceId { get; init; }
}

public sealed record CdsLink
{
    public required string Label { get; init; }
    public required string Url { get; init; }
    public required string Type { get; init; }
}

/// <summary>CDS Hooks §Extensions: which rule made the card and from which knowledge version.</summary>
public sealed record CardExtension
{
    [JsonPropertyName("regimen-check.rule-id")]
    public required string RuleId { get; init; }

    [JsonPropertyName("regimen-check.knowledge-version")]
    public required string KnowledgeVersion { get; init; }
}
