using System.Diagnostics;
using CdsHooks.Engine;
using CdsHooks.Engine.Cards;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;
using CdsHooks.Service.Analytics;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Prefetch;
using CdsHooks.Service.Security;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Hooks;

public static class HookEndpoints
{
    public static IEndpointRouteBuilder MapHooks(this IEndpointRouteBuilder app)
    {
        // The singletons are resolved once here rather than per call from a request scope, which each call would
        // otherwise create and dispose only to look them up.
        var services = app.ServiceProvider;
        var engine = services.GetRequiredService<CdsEngine>();
        var prefetch = services.GetRequiredService<PrefetchResolver>();
        var metrics = services.GetRequiredService<ServiceMetrics>();
        var options = services.GetRequiredService<IOptions<ServiceOptions>>();
        var logger = services.GetRequiredService<ILogger<CdsEngine>>();
        var shown = services.GetService<CardsShownRecorder>(); // null when Analytics:RecordCardsShown is false
        app.MapPost("/cds-services/{id}", (string id, HttpRequest http, CancellationToken cancellationToken) =>
                Invoke(id, http, engine, prefetch, metrics, options, logger, shown, cancellationToken))
            .RequireCdsClient(app, AuthPolicies.Hooks);
        return app;
    }

    /// <summary>
    /// POST {baseUrl}/cds-services/{id}: parse and validate → resolve prefetch (fetch what is missing)
    /// → evaluate → cards. Nothing to say is 200 {"cards": []}; nothing can be judged (required data
    /// unobtainable, no card from the drafts alone) is 412 (<see cref="Preconditions"/>).
    /// </summary>
    internal static async Task<Results<JsonHttpResult<CdsResponse>, JsonHttpResult<Resource>>> Invoke(
        string id,
        HttpRequest http,
        CdsEngine engine,
        PrefetchResolver prefetch,
        ServiceMetrics metrics,
        IOptions<ServiceOptions> options,
        ILogger<CdsEngine> logger,
        CardsShownRecorder? shown,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (!CdsServiceCatalog.Services.TryGetValue(id, out var service))
        {
            return Outcomes.Reject(metrics, new RequestError(StatusCodes.Status404NotFound,
                Outcomes.Error("not-found", $"There is no CDS service '{id}'; GET /cds-services lists them")));
        }

        HookRequest? request;
        RequestError? error;
        using (var span = ServiceTracing.Source.StartActivity("cds.read"))
        {
            span?.SetTag("cds.service", service.Id);
            var (body, bodyError) = await BodyReader.ReadAsync(http, options.Value.MaxRequestBytes, cancellationToken);
            if (bodyError is not null)
            {
                span?.SetTag("cds.outcome", bodyError.Status);
                ServiceTracing.TagRequest(service.Id, service.Hook, bodyError.Status);
                return Outcomes.Reject(metrics, bodyError);
            }

            using (body)
            {
                (request, error) = RequestReader.Read(body!.Memory, service); // read into Firely's objects: the pooled buffer goes back now
            }

            span?.SetTag("cds.request.bytes", body.Length);
            span?.SetTag("cds.draft_orders", request?.DraftOrders.Entry.Count);
            span?.SetTag("cds.outcome", error?.Status);
        }

        if (error is not null)
        {
            HookLog.Rejected(logger, service.Id, error.Status, Outcomes.Where(error.Outcome));
            ServiceTracing.TagRequest(service.Id, service.Hook, error.Status);
            return Outcomes.Reject(metrics, error);
        }

        // The resolver bounds FHIR reads by FhirAccess:TimeoutMs; the caller's abort flows through.
        foreach (var element in request!.Tolerated)
        {
            metrics.Tolerated(element);
            HookLog.Tolerated(logger, request.HookInstance, element);
        }

        ResolvedData resolved;
        using (var span = ServiceTracing.Source.StartActivity("cds.prefetch"))
        {
            resolved = await prefetch.ResolveAsync(request.ForPrefetch(), cancellationToken);
            if (span is not null)
            {
                // Data kinds (e.g. "Observations") and counts only: which kinds were missing says nothing of the patient.
                span.SetTag("cds.prefetch.unavailable", HookLog.List(resolved.Data.Unavailable));
                span.SetTag("cds.prefetch.unreadable", resolved.Data.Unreadable.Count);
            }
        }

        if (resolved.Problems.Count > 0) // the usual case (all data present) enumerates nothing
        {
            foreach (var kind in resolved.Problems.Keys)
            {
                metrics.Unavailable(kind);
            }
        }

        var data = resolved.Data;
        if (data.Unreadable.Count > 0)
        {
            metrics.Unreadable(data.Unreadable.Count);
            HookLog.Unreadable(logger, request.HookInstance, data.Unreadable.Count);
        }

        var input = new EvaluationInput(service.Kind, request!.PatientId, request.DraftOrders, request.Selections, data);
        var result = engine.Evaluate(input);

        foreach (var failure in result.Failures)
        {
            metrics.RuleFailed(failure.Rule.Id);
            HookLog.RuleFailed(logger, failure.Exception, failure.Rule.Id, request.HookInstance);
        }

        foreach (var rule in result.RulesFired)
        {
            metrics.CardIssued(rule);
        }

        if (Preconditions.NothingCanBeJudged(request, resolved, result.Cards.Count) is { } missing)
        {
            HookLog.PreconditionFailed(logger, service.Id, request.HookInstance, HookLog.List(data.Unavailable),
                Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            ServiceTracing.TagRequest(service.Id, service.Hook, StatusCodes.Status412PreconditionFailed);
            return Outcomes.Reject(metrics, new RequestError(StatusCodes.Status412PreconditionFailed, missing));
        }

        metrics.HookAnswered(service.Id, result.Elapsed.TotalMilliseconds);
        if (logger.IsEnabled(LogLevel.Information))
        {
            HookLog.Answered(logger, service.Id, request.HookInstance, result.Cards.Count, string.Join(',', result.RulesFired.AsSpan()),
                HookLog.List(data.Unavailable), result.Elapsed.TotalMilliseconds, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        ServiceTracing.TagRequest(service.Id, service.Hook, StatusCodes.Status200OK);
        shown?.Record(service, result.Cards); // for the override report: a queue write, the database is written in the background
        return TypedResults.Json(new CdsResponse { Cards = result.Cards }, CdsJsonContext.Default.CdsResponse);
    }
}

internal static partial class HookLog
{
    /// <summary>Data kinds for a log line, sorted; nothing to allocate in the usual case (all data present).</summary>
    public static string List(IReadOnlySet<DataKind> kinds) => kinds.Count == 0 ? string.Empty : string.Join(",", kinds.Order());

    [LoggerMessage(1001, LogLevel.Information,
        "Hook answered: service {ServiceId}, hookInstance {HookInstance}, {CardCount} card(s), rules fired [{RulesFired}], data unavailable [{Unavailable}], evaluation {EvaluationMs:F2} ms, total {TotalMs:F2} ms")]
    public static partial void Answered(ILogger logger, string serviceId, string hookInstance, int cardCount, string rulesFired, string unavailable, double evaluationMs, double totalMs);

    [LoggerMessage(1002, LogLevel.Information, "Hook request rejected: service {ServiceId}, status {Status}, at {Path}")]
    public static partial void Rejected(ILogger logger, string serviceId, int status, string path);

    [LoggerMessage(1004, LogLevel.Warning,
        "Hook not judged (412): service {ServiceId}, hookInstance {HookInstance}, data unavailable [{Unavailable}], total {TotalMs:F2} ms")]
    public static partial void PreconditionFailed(ILogger logger, string serviceId, string hookInstance, string unavailable, double totalMs);

    [LoggerMessage(1005, LogLevel.Information, "FHIR element not read (no rule uses it): hookInstance {HookInstance}, {Element}")]
    public static partial void Tolerated(ILogger logger, string hookInstance, string element);

    [LoggerMessage(1006, LogLevel.Warning, "Patient records left out (an element the rules read could not be read): hookInstance {HookInstance}, {Count} record(s); the cards name them")]
    public static partial void Unreadable(ILogger logger, string hookInstance, int count);

    [LoggerMessage(1003, LogLevel.Error, "Rule {RuleId} threw during hookInstance {HookInstance}; a warning card tells the clinician the check did not run")]
    public static partial void RuleFailed(ILogger logger, Exception exception, string ruleId, string hookInstance);
}
