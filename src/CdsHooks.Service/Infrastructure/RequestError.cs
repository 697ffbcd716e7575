using Hl7.Fhir.Model;

namespace CdsHooks.Service.Infrastructure;

/// <summary>A request that cannot be served: the status and the OperationOutcome that says why.</summary>
public sealed record RequestError(int Status, OperationOutcome Outcome)
{
    public static RequestError Invalid(string path, string message) =>
        new(StatusCodes.Status400BadRequest, Outcomes.Error("invalid", message, path));

    public static RequestError Required(string path) =>
        new(StatusCodes.Status400BadRequest, Outcomes.Error("required", $"'{path}' is required", path));
}
