using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;

namespace CdsHooks.Service.Infrastructure;

/// <summary>OperationOutcomes the service answers with (Firely's model; written by Firely's serializer).</summary>
public static class Outcomes
{
    /// <summary>One error issue; <paramref name="expression"/> is the FHIRPath/JSON path of the fault.</summary>
    /// <param name="code">An R4 IssueType code ("invalid", "required", "not-found", "too-costly", "incomplete" ...).</param>
    public static OperationOutcome Error(string code, string diagnostics, string? expression = null) => new()
    {
        Issue =
        [
            Issue(code, diagnostics, expression),
        ],
    };

    public static OperationOutcome.IssueComponent Issue(string code, string diagnostics, string? expression = null) => new()
    {
        Severity = OperationOutcome.IssueSeverity.Error,
        Code = EnumUtility.ParseLiteral<OperationOutcome.IssueType>(code) ?? OperationOutcome.IssueType.Processing,
        Diagnostics = diagnostics,
        Expression = string.IsNullOrEmpty(expression) ? [] : [expression],
    };

    /// <summary>The first issue's expression, for the log.</summary>
    public static string Where(OperationOutcome outcome) =>
        outcome.Issue.FirstOrDefault()?.Expression.FirstOrDefault() ?? "$";

    /// <summary>The outcome as FHIR JSON.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Resource> Result(OperationOutcome outcome, int status) =>
        TypedResults.Json<Resource>(outcome, CdsHooks.Engine.Fhir.FhirJson.Options, "application/fhir+json", status);

    /// <summary>A request that cannot be served, counted and answered with its OperationOutcome.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<Resource> Reject(ServiceMetrics metrics, RequestError error)
    {
        metrics.Rejected(error.Status);
        return Result(error.Outcome, error.Status);
    }
}
