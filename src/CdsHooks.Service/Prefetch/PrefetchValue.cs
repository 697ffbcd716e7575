using CdsHooks.Service.Infrastructure;
using Hl7.Fhir.Model;

namespace CdsHooks.Service.Prefetch;

/// <summary>A prefetch key's value. Absent keys are simply not in the dictionary (fetch them);
/// JSON null means "no data" (do not fetch); an OperationOutcome means the client failed (CDS Hooks 2.0 item 28).</summary>
public abstract record PrefetchValue
{
    public sealed record NoData : PrefetchValue;

    /// <summary>The resource as sent, less the records that could not be read (<paramref name="Unreadable"/>, each as
    /// "Observation/o12 (value: why)"): those are left out and named in the cards, as missing data is.</summary>
    public sealed record Data(Resource Resource, IReadOnlyList<string> Unreadable) : PrefetchValue;

    public sealed record ClientError(OperationOutcome Outcome) : PrefetchValue;

    /// <summary>Not a resource or null at all: the request is rejected.</summary>
    internal sealed record Malformed(string Problem) : PrefetchValue;

    /// <summary>
    /// A prefetch value as read. A Bundle keeps its readable entries; one whose own structure cannot be read, or a value
    /// that is not a resource, is treated like a prefetch the client failed (fetched from fhirServer, or named in the
    /// cards as not obtained), never as "no data".
    /// </summary>
    internal static PrefetchValue From(ResourceRead read)
    {
        switch (read.Resource)
        {
            case null:
                return new ClientError(Outcomes.Error("invalid", "The prefetch value could not be read as a FHIR resource"));
            case OperationOutcome outcome:
                return new ClientError(outcome);
        }

        if (read.Faults.Count == 0)
        {
            return new Data(read.Resource, []);
        }

        if (read.Resource is not Bundle bundle || read.Faults.Any(f => f.Entry is null))
        {
            var fault = read.Faults[0];
            return new ClientError(Outcomes.Error("invalid", $"{read.Resource.TypeName}.{fault.Element}: {fault.Message}"));
        }

        var unreadable = new List<string>();
        var faulty = new SortedSet<int>();
        foreach (var fault in read.Faults)
        {
            if (faulty.Add(fault.Entry!.Value))
            {
                var record = bundle.Entry[fault.Entry.Value]?.Resource;
                unreadable.Add($"{record?.TypeName ?? "entry"}/{IdOf(record)} ({fault.Element}: {fault.Message})");
            }
        }

        foreach (var index in faulty.Reverse())
        {
            bundle.Entry.RemoveAt(index);
        }

        return new Data(bundle, unreadable);
    }

    /// <summary>The id of a record that could not be read, for the card; the id may be what is broken.</summary>
    private static string IdOf(Resource? record)
    {
        try
        {
            return record?.Id ?? "(no id)";
        }
        catch (Hl7.Fhir.Validation.CodedValidationException)
        {
            return "(no readable id)";
        }
    }
}
