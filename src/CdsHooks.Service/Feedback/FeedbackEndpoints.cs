using Hl7.Fhir.Model;
using CdsHooks.Service.Hooks;
using CdsHooks.Service.Infrastructure;
using CdsHooks.Service.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CdsHooks.Service.Feedback;

public static class FeedbackEndpoints
{
    public static IEndpointRouteBuilder MapFeedback(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cds-services/{id}/feedback", Receive).RequireCdsClient(app, AuthPolicies.Hooks);
        return app;
    }

    /// <summary>POST {baseUrl}/cds-services/{id}/feedback: stored (SQLite or PostgreSQL) before the 200; 503 if the store fails.</summary>
    public static async Task<Results<Ok<FeedbackReceipt>, JsonHttpResult<Resource>>> Receive(
        string id,
        HttpRequest http,
        IFeedbackStore store,
        ServiceMetrics metrics,
        IOptions<ServiceOptions> options,
        TimeProvider time,
        ILogger<FeedbackStore> logger,
        CancellationToken cancellationToken)
    {
        if (!CdsServiceCatalog.Services.ContainsKey(id))
        {
            return Outcomes.Reject(metrics, new RequestError(StatusCodes.Status404NotFound,
                Outcomes.Error("not-found", $"There is no CDS service '{id}'")));
        }

        var (body, bodyError) = await BodyReader.ReadAsync(http, options.Value.MaxRequestBytes, cancellationToken);
        if (bodyError is not null)
        {
            return Outcomes.Reject(metrics, bodyError);
        }

        IReadOnlyList<FeedbackEntry>? entries;
        RequestError? error;
        using (body)
        {
            (entries, error) = FeedbackReader.Read(body!.Memory);
        }

        if (error is not null)
        {
            return Outcomes.Reject(metrics, error);
        }

        int stored;
        try
        {
            stored = await store.SaveAsync(id, entries!, time.GetUtcNow(), cancellationToken);
        }
        catch (System.Data.Common.DbException ex)
        {
            // Not stored, so no 200: the client may send it again (a resent entry is stored once).
            FeedbackLog.NotStored(logger, ex, id, entries!.Count);
            return Outcomes.Reject(metrics, new RequestError(StatusCodes.Status503ServiceUnavailable,
                Outcomes.Error("transient", "The feedback could not be stored now; send it again later")));
        }

        FeedbackLog.Stored(logger, id, entries!.Count, stored);
        return TypedResults.Ok(new FeedbackReceipt(entries.Count, stored, entries.Count - stored));
    }
}

internal static partial class FeedbackLog
{
    [LoggerMessage(2001, LogLevel.Information, "Feedback for {ServiceId}: {Received} entr(ies), {Stored} new")]
    public static partial void Stored(ILogger logger, string serviceId, int received, int stored);

    [LoggerMessage(2002, LogLevel.Error, "Feedback for {ServiceId}: {Received} entr(ies) not stored (answered 503)")]
    public static partial void NotStored(ILogger logger, Exception exception, string serviceId, int received);
}
