using System.Diagnostics.Metrics;

namespace CdsHooks.Service.Infrastructure;

/// <summary>Counters for operations (System.Diagnostics.Metrics; read with dotnet-counters).</summary>
public sealed class ServiceMetrics
{
    public const string MeterName = "CdsHooks.Service";

    private readonly Counter<long> _hookCalls;
    private readonly Counter<long> _cards;
    private readonly Counter<long> _ruleFailures;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _evaluationMs;
    private readonly Counter<long> _tolerated;
    private readonly Counter<long> _unreadable;

    public ServiceMetrics(IMeterFactory meters)
        : this(meters, MeterName)
    {
    }

    /// <param name="meterName">Another meter than <see cref="MeterName"/>: the start-up warm-up's calls are counted
    /// apart (<see cref="FetchPathWarmUp"/>), so that dashboards see only the calls of clients.</param>
    internal ServiceMetrics(IMeterFactory meters, string meterName)
    {
        var meter = meters.Create(meterName);
        _hookCalls = meter.CreateCounter<long>("cds.hook.calls", description: "Hook calls answered 200");
        _cards = meter.CreateCounter<long>("cds.cards", description: "Cards returned, by rule");
        _ruleFailures = meter.CreateCounter<long>("cds.rule.failures", description: "Rules that threw (shown as warning cards)");
        _rejected = meter.CreateCounter<long>("cds.requests.rejected", description: "Requests answered 4xx, by status");
        _tolerated = meter.CreateCounter<long>("cds.fhir.tolerated", description: "FHIR elements that could not be read and that no rule reads, by element");
        _unreadable = meter.CreateCounter<long>("cds.fhir.unreadable", description: "Patient records left out because an element the rules read could not be read");
        _evaluationMs = meter.CreateHistogram<double>("cds.evaluation.duration", "ms", "In-process rule evaluation time");
    }

    private long _ruleFailureCount;

    public long RuleFailures => Interlocked.Read(ref _ruleFailureCount);

    public void HookAnswered(string serviceId, double evaluationMs)
    {
        _hookCalls.Add(1, new KeyValuePair<string, object?>("service", serviceId));
        _evaluationMs.Record(evaluationMs);
    }

    public void CardIssued(string ruleId) => _cards.Add(1, new KeyValuePair<string, object?>("rule", ruleId));

    public void RuleFailed(string ruleId)
    {
        Interlocked.Increment(ref _ruleFailureCount); // rules fail on concurrent requests too
        _ruleFailures.Add(1, new KeyValuePair<string, object?>("rule", ruleId));
    }

    public void Tolerated(string element) => _tolerated.Add(1, new KeyValuePair<string, object?>("element", element));

    public void Unreadable(int records) => _unreadable.Add(records);

    public void Rejected(int status) => _rejected.Add(1, new KeyValuePair<string, object?>("status", status));
}
