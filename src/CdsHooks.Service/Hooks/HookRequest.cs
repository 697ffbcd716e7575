using CdsHooks.Fhir;

namespace CdsHooks.Service.Hooks;

/// <summary>A hook call that passed validation.</summary>
public sealed record HookRequest(
    CdsServiceDefinition Service,
    string HookInstance,
    string PatientId,
    string? UserId,
    Uri? FhirServer,
    FhirAuthorization? FhirAuthorization,
    Bundle DraftOrders,
    IReadOnlyList<string> Selections,
    IReadOnlyDictionary<string, PrefetchValue> Prefetch);

/// <summary>A prefetch key's value. Absent keys are simply not in the dictionary (fetch them);
/// JSON null means "no data" (do not fetch); an OperationOutcome means the client failed (CDS Hooks 2.0 item 28).</summary>
public abstract record PrefetchValue
{
    public sealed record NoData : PrefetchValue;

    /// <summary>The resource as sent, except that a Bundle's entries keep no <c>fullUrl</c>: the service uses only
    /// the entries' resources (references to them resolve by type and id).</summary>
    public sealed record Data(Resource Resource) : PrefetchValue;

    public sealed record ClientError(OperationOutcome Outcome) : PrefetchValue;
}

/// <summary>A request that cannot be served: the status and the OperationOutcome that says why.</summary>
public sealed record RequestError(int Status, OperationOutcome Outcome)
{
    public static RequestError Invalid(string path, string message) =>
        new(StatusCodes.Status400BadRequest, OperationOutcome.Error("invalid", message, path));

    public static RequestError Required(string path) =>
        new(StatusCodes.Status400BadRequest, OperationOutcome.Error("required", $"'{path}' is required", path));
}
