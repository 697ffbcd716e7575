using System.Text;
using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>
/// Turns a valid fixture request into a hostile one: fields dropped or retyped, wrong resource types,
/// null array items, invalid dates and quantities, huge strings and arrays, deep nesting, grafted
/// subtrees, and at the byte level truncation, invalid UTF-8 and duplicate keys. Deterministic for a
/// given <see cref="Random"/>. Values the JSON DOM cannot hold (1e400, 100 000 nested arrays, invalid
/// UTF-8) are written as markers and spliced into the bytes after serialisation.
/// </summary>
internal sealed partial class RequestMutator(Random rng)
{
    private readonly Dictionary<string, byte[]> _raw = new(StringComparer.Ordinal);
    private readonly List<string> _applied = [];

    public string Description => string.Join("; ", _applied);

    public byte[] Mutate(JsonNode seed)
    {
        var root = seed.DeepClone();
        var count = 1 + rng.Next(3);
        for (var i = 0; i < count; i++)
        {
            MutateTree(root);
        }

        var bytes = Splice(Encoding.UTF8.GetBytes(root.ToJsonString()));
        return rng.Next(100) < 20 ? MutateBytes(bytes) : bytes;
    }

    private void MutateTree(JsonNode root)
    {
        var slots = Slot.All(root);
        if (slots.Count == 0)
        {
            return;
        }

        switch (rng.Next(13))
        {
            case 0:
            case 1:
                Drop(slots);
                break;
            case 2:
            case 3:
                Retype(Pick(slots));
                break;
            case 4:
                WrongResourceType(slots);
                break;
            case 5:
                InvalidDate(slots);
                break;
            case 6:
                InvalidQuantity(slots);
                break;
            case 7:
                HugeString(slots);
                break;
            case 8:
                HugeArray(slots);
                break;
            case 9:
                DeepNesting(Pick(slots));
                break;
            case 10:
                NullInArray(slots);
                break;
            case 11:
                Graft(slots);
                break;
            default:
                WeirdText(slots);
                break;
        }
    }

    private void Drop(List<Slot> slots)
    {
        var inObjects = slots.Where(s => s.Key is not null).ToList();
        if (inObjects.Count > 0)
        {
            var slot = Pick(inObjects);
            slot.Remove();
            _applied.Add($"drop {slot.Path}");
        }
    }

    private void Retype(Slot slot)
    {
        JsonNode? value = rng.Next(12) switch
        {
            0 => null,
            1 => true,
            2 => 0,
            3 => -1,
            4 => 1e308,
            5 => "",
            6 => "x",
            7 => new JsonArray(),
            8 => new JsonObject(),
            9 => new JsonArray((JsonNode?)null),
            10 => new JsonObject { ["resourceType"] = "Patient" },
            _ => long.MaxValue,
        };
        slot.Set(value);
        _applied.Add($"retype {slot.Path} to {value?.ToJsonString() ?? "null"}");
    }

    private static readonly string[] ResourceTypes =
    [
        "Bundle", "Patient", "MedicationRequest", "Medication", "MedicationStatement", "MedicationAdministration",
        "Observation", "Condition", "OperationOutcome", "Encounter", "ServiceRequest", "", "bundle", "Resource", "DomainResource",
    ];

    private void WrongResourceType(List<Slot> slots)
    {
        var typed = slots.Where(s => s.Key == "resourceType").ToList();
        if (typed.Count == 0)
        {
            Retype(Pick(slots));
            return;
        }

        var slot = Pick(typed);
        if (rng.Next(6) == 0)
        {
            slot.Set(Raw(rng.Next(2) == 0 ? "42" : "[\"Bundle\"]"));
            _applied.Add($"resourceType at {slot.Path} not a string");
            return;
        }

        var type = ResourceTypes[rng.Next(ResourceTypes.Length)];
        slot.Set(type);
        _applied.Add($"resourceType at {slot.Path} = '{type}'");
    }

    private void Graft(List<Slot> slots)
    {
        var objects = slots.Where(s => s.Node is JsonObject).ToList();
        if (objects.Count < 2)
        {
            Retype(Pick(slots));
            return;
        }

        // A resource where another kind of resource (or a Bundle, a coding...) belongs.
        var from = Pick(objects);
        var to = Pick(slots);
        to.Set(from.Node!.DeepClone());
        _applied.Add($"graft {from.Path} onto {to.Path}");
    }

    private void NullInArray(List<Slot> slots)
    {
        var arrays = slots.Where(s => s.Node is JsonArray).ToList();
        if (arrays.Count == 0)
        {
            Retype(Pick(slots));
            return;
        }

        var slot = Pick(arrays);
        var array = (JsonArray)slot.Node!;
        array.Insert(rng.Next(array.Count + 1), null);
        _applied.Add($"null item in {slot.Path}");
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
