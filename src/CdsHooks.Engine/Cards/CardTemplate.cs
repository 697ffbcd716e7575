using System.Text.RegularExpressions;

namespace CdsHooks.Engine.Cards;

/// <summary>
/// A card text (summary, detail, suggestion label) cut at its <c>{placeholders}</c> once, when the
/// knowledge is loaded, so that a card is filled by appending pieces instead of running a regular
/// expression and a callback per placeholder on every hook call.
/// </summary>
internal sealed partial class CardTemplate
{
    [GeneratedRegex(@"\{([a-zA-Z0-9_.-]+)\}")]
    private static partial Regex Placeholder();

    private CardTemplate(string[] literals, Slot[] slots)
    {
        Literals = literals;
        Slots = slots;
    }

    /// <summary>The text before, between and after the placeholders: one more than <see cref="Slots"/>.</summary>
    public string[] Literals { get; }

    public Slot[] Slots { get; }

    public static CardTemplate Parse(string template)
    {
        var literals = new List<string>();
        var slots = new List<Slot>();
        var at = 0;
        foreach (Match m in Placeholder().Matches(template))
        {
            literals.Add(template[at..m.Index]);
            var key = m.Groups[1].Value;
            slots.Add(new Slot(m.Value, key, key.StartsWith("check.", StringComparison.Ordinal) ? key["check.".Length..] : null));
            at = m.Index + m.Length;
        }

        literals.Add(template[at..]);
        return new CardTemplate([.. literals], [.. slots]);
    }

    /// <param name="Text">The placeholder as written, braces included: kept when the key names nothing.</param>
    /// <param name="Key">A drug role, or <c>check.name</c> for a check value.</param>
    /// <param name="Check">The name after <c>check.</c>, or null for a role.</param>
    internal readonly record struct Slot(string Text, string Key, string? Check);
}
