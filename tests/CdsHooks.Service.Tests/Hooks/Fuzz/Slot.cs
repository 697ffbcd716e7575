using System.Text.Json.Nodes;

namespace CdsHooks.Service.Tests.Hooks.Fuzz;

/// <summary>A value in a JSON tree and where it sits: a property of an object or an item of an array.</summary>
internal sealed record Slot(JsonNode Parent, string? Key, int Index, JsonNode? Node, string Path)
{
    /// <summary>Every value under <paramref name="root"/>, JSON nulls included, parents before children.</summary>
    public static List<Slot> All(JsonNode root)
    {
        var slots = new List<Slot>();
        Walk(root, "$");
        return slots;

        void Walk(JsonNode node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, child) in o.ToList())
                    {
                        var p = path + "." + key;
                        slots.Add(new Slot(o, key, -1, child, p));
                        if (child is not null)
                        {
                            Walk(child, p);
                        }
                    }

                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        var p = $"{path}[{i}]";
                        slots.Add(new Slot(a, null, i, a[i], p));
                        if (a[i] is { } child)
                        {
                            Walk(child, p);
                        }
                    }

                    break;
            }
        }
    }

    public void Set(JsonNode? value)
    {
        if (Key is not null)
        {
            ((JsonObject)Parent)[Key] = value;
        }
        else
        {
            ((JsonArray)Parent)[Index] = value;
        }
    }

    public void Remove()
    {
        if (Key is not null)
        {
            ((JsonObject)Parent).Remove(Key);
        }
        else
        {
            ((JsonArray)Parent).RemoveAt(Index);
        }
    }
}
