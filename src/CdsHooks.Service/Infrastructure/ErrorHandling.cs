using System.Text.Json;
using CdsHooks.Engine.Fhir;
using Microsoft.AspNetCore.Diagnostics;

namespace CdsHooks.Service.Infrastructure;

/// <summary>
/// The one place where failures become HTTP: a request the framework rejects (bad body, too large)
/// is a 4xx OperationOutcome; anything else is a 500 OperationOutcome without internals, logged.
/// </summary>
public static class ErrorHandling
{
    public static void UseOperationOutcomeErrors(this WebApplication app)
    {
        app.UseExceptionHandler(errorApp => errorApp.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, outcome) = error switch
            {
                BadHttpRequestException bad => (bad.StatusCode, Outcomes.Error(
                    bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "too-costly" : "invalid", bad.Message)),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                    (499, Outcomes.Error("timeout", "The client closed the request")),
                _ => (StatusCodes.Status500InternalServerError, Outcomes.Error("exception",
                    "The service failed to process the request; the error has been logged")),
            };
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/fhir+json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(outcome, FhirJson.Options));
        }));

        app.UseStatusCodePages(async status =>
        {
            var response = status.HttpContext.Response;
            if (response.ContentLength is null && string.IsNullOrEmpty(response.ContentType) && response.StatusCode is >= 400 and not 401)
            {
                response.ContentType = "application/fhir+json";
                var code = response.StatusCode == StatusCodes.Status404NotFound ? "not-found" : "invalid";
                await response.WriteAsync(JsonSerializer.Serialize(Outcomes.Error(code,
                    $"{response.StatusCode}: {status.HttpContext.Request.Method} {status.HttpContext.Request.Path} is not supported"), FhirJson.Options));
            }
        });
    }
}
