namespace CdsHooks.Engine;

/// <summary>Lists of card lines, a handful each.</summary>
internal static class TextLists
{
    /// <summary>Enumerable.Distinct(StringComparer.Ordinal) without its set: the first occurrence kept, in order
    /// (List.Contains compares strings ordinally).</summary>
    public static void AddDistinct(this List<string> into, string item)
    {
        if (!into.Contains(item))
        {
            into.Add(item);
        }
    }
}
