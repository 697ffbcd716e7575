using System.Text.Json.Serialization;
using CdsHooks.Engine.Cards;
using CdsHooks.Service.Discovery;
using CdsHooks.Service.Feedback;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// Source-generated JSON for everything the service reads and writes. Nulls are omitted on write and
/// builders never produce empty strings or lists: CDS Hooks forbids null, "", [] and {} (item 2).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(CdsResponse))]
[JsonSerializable(typeof(DiscoveryResponse))]
[JsonSerializable(typeof(FeedbackReceipt))]
[JsonSerializable(typeof(HealthReport))]
[JsonSerializable(typeof(ReadinessReport))]
public sealed partial class CdsJsonContext : JsonSerializerContext;

public sealed record HealthReport(string Status, string KnowledgeVersion, int Rules, int Concepts);
