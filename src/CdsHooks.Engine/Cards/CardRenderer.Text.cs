using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Cards;

/// <summary>The card texts: templates filled with the drugs and check values, and the markdown detail.</summary>
internal sealed partial class CardRenderer
{
    /// <summary>Fills {role} with the distinct drug names bound to it and {check.x} with check values.</summary>
    internal string Fill(string template, Finding finding, bool forSummary = false)
    {
        var parsed = Template(template);
        var text = new DefaultInterpolatedStringHandler(template.Length, parsed.Slots.Length, null, stackalloc char[256]);
        for (var i = 0; i < parsed.Slots.Length; i++)
        {
            text.AppendLiteral(parsed.Literals[i]);
            text.AppendLiteral(Value(parsed.Slots[i], finding, forSummary));
        }

        text.AppendLiteral(parsed.Literals[^1]);
        return text.ToStringAndClear();
    }

    private void Fill(ref DefaultInterpolatedStringHandler text, string template, Finding finding)
    {
        var parsed = Template(template);
        for (var i = 0; i < parsed.Slots.Length; i++)
        {
            text.AppendLiteral(parsed.Literals[i]);
            text.AppendLiteral(Value(parsed.Slots[i], finding, forSummary: false));
        }

        text.AppendLiteral(parsed.Literals[^1]);
    }

    private CardTemplate Template(string template) =>
        _templates.TryGetValue(template, out var parsed) ? parsed : CardTemplate.Parse(template);

    private static string Value(CardTemplate.Slot slot, Finding finding, bool forSummary)
    {
        if (slot.Check is not null)
        {
            return finding.Check?.Values?.GetValueOrDefault(slot.Check) ?? "(not available)";
        }

        if (!finding.Bindings.TryGetValue(slot.Key, out var items))
        {
            return slot.Text;
        }

        if (items.Length > 0 && AllNamed(items, items[0].Display))
        {
            return items[0].Display; // one drug, however many orders and administrations name it
        }

        var names = items.Select(i => i.Display).Distinct(StringComparer.Ordinal).ToList();
        if (forSummary && names.Count > 2)
        {
            return $"{names[0]} and {names.Count - 1} other drugs";
        }

        return names.Count == 1 ? names[0] : string.Join(", ", names[..^1]) + " and " + names[^1];
    }

    private static bool AllNamed(ImmutableArray<RegimenItem> items, string display)
    {
        foreach (var item in items)
        {
            if (!string.Equals(item.Display, display, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <remarks>Written into a pooled buffer (the interpolated-string handler rents and returns it):
    /// only the finished text is allocated, not a StringBuilder's growing chunks.</remarks>
    private string Detail(Finding finding)
    {
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[1024]);
        Fill(ref text, finding.Rule.DetailTemplate, finding);
        text.AppendLiteral("\n\n**Orders and medications considered**\n");
        // Each item once, in binding order (an item can fill several roles).
        var listed = new HashSet<RegimenItem>(SameItem.Instance);
        foreach (var items in finding.Bindings.Values)
        {
            foreach (var item in items)
            {
                if (!listed.Add(item))
                {
                    continue;
                }

                text.AppendLiteral("- ");
                text.AppendLiteral(item.Display);
                text.AppendLiteral(": ");
                Describe(ref text, item);
                text.AppendLiteral("\n");
            }
        }

        var check = finding.Check?.Findings.IsDefault == false ? finding.Check.Findings : [];
        if (finding.FactsUsed.Length + check.Length > 0)
        {
            text.AppendLiteral("\n**Patient data used**\n");
            Lines(ref text, finding.FactsUsed);
            Lines(ref text, check);
        }

        if (!finding.NotChecked.IsEmpty)
        {
            text.AppendLiteral("\n**Not checked (data missing)**\n");
            Lines(ref text, finding.NotChecked);
        }

        text.AppendLiteral("\n_Rule `");
        text.AppendLiteral(finding.Rule.Id);
        text.AppendLiteral("`, knowledge version ");
        text.AppendLiteral(_knowledge.Version);
        text.AppendLiteral(". Sources: ");
        for (var i = 0; i < finding.Rule.Sources.Length; i++)
        {
            text.AppendLiteral(i == 0 ? string.Empty : "; ");
            text.AppendLiteral(finding.Rule.Sources[i]);
        }

        text.AppendLiteral("._");
        return text.ToStringAndClear();
    }

    private static void Lines(ref DefaultInterpolatedStringHandler text, ImmutableArray<string> lines)
    {
        foreach (var line in lines)
        {
            text.AppendLiteral("- ");
            text.AppendLiteral(line);
            text.AppendLiteral("\n");
        }
    }

    /// <summary>"order being placed (MedicationRequest/d1; identified by RxNorm 1371041 (V2))".</summary>
    private static void Describe(ref DefaultInterpolatedStringHandler text, RegimenItem item)
    {
        text.AppendLiteral(item.Origin switch
        {
            Origin.Draft => item.IsFocus ? "order being placed" : "other order in this session",
            Origin.Active => "current therapy",
            _ => "past therapy",
        });
        if (item.Origin != Origin.Draft && item.Start is { } start)
        {
            text.AppendLiteral(" since ");
            text.AppendFormatted(start, "yyyy-MM-dd"); // the handler formats with the invariant culture, like ClinicalRecords.Day
        }

        text.AppendLiteral(" (");
        text.AppendLiteral(item.ResourceType);
        if (item.ResourceId is not null)
        {
            text.AppendLiteral("/");
            text.AppendLiteral(item.ResourceId);
        }

        text.AppendLiteral("; identified by ");
        for (var i = 0; i < item.Matches.Length; i++)
        {
            var match = item.Matches[i];
            text.AppendLiteral(i == 0 ? string.Empty : ", ");
            text.AppendLiteral(match.Evidence);
            if (match.Verification != "text")
            {
                text.AppendLiteral(" (");
                text.AppendLiteral(match.Verification);
                text.AppendLiteral(")");
            }
        }

        text.AppendLiteral(")");
    }

    /// <summary>The record's own equality (what "the same item" has always meant here), hashed on the
    /// resource's type, id and origin only: the record's generated hash walks the whole FHIR resource.
    /// Equal items have equal type, id and origin, so the hash stays consistent with the equality.</summary>
    private sealed class SameItem : IEqualityComparer<RegimenItem>
    {
        public static readonly SameItem Instance = new();

        public bool Equals(RegimenItem? x, RegimenItem? y) => EqualityComparer<RegimenItem>.Default.Equals(x, y);

        public int GetHashCode(RegimenItem item) => HashCode.Combine(item.ResourceType, item.ResourceId, item.Origin);
    }
}
