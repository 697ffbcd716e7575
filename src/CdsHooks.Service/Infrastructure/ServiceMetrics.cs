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
    private readonly Counter<long> _unavailable;
    private readonly Counter<long> _fhirReads;

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
        _unavailable = meter.CreateCounter<long>("cds.prefetch.unavailable", description: "Kinds of patient data neither prefetched nor obtained from the FHIR server, by kind");
        _fhirReads = meter.CreateCounter<long>("cds.fhir.reads", description: "Reads (pages) from an EHR's FHIR server, by outcome");
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

    public void Unavailable(CdsHooks.Engine.Patients.DataKind kind) => _unavailable.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));

    /// <param name="outcome"><c>ok</c>, or why the read failed: <c>http_error</c>, <c>refused</c> (401/403), <c>timeout</c>,
    /// <c>circuit_open</c>, <c>unreachable</c>, <c>invalid</c> (not FHIR JSON, too large, a link outside the server).</param>
    public void FhirRead(string outcome) => _fhirReads.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Rejected(int status) => _rejected.Add(1, new KeyValuePair<string, object?>("status", status));
}
