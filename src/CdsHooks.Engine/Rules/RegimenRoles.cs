using System.Collections.Frozen;
using CdsHooks.Engine.Patients;

namespace CdsHooks.Engine.Rules;

/// <summary>Which regimen items fill a rule's role: the rule's side of <see cref="RegimenItem"/>.</summary>
public static class RegimenRoles
{
    /// <summary>Whether the item fills the role: its origin is one the role takes, and it is one of the role's
    /// concepts or classes.</summary>
    public static bool Is(this RegimenItem item, DrugRole role) =>
        role.In.Contains(item.Origin) &&
        (role.RecentAdministrations || !item.IsRecentAdministration) &&
        (Overlaps(role.Concepts, item.ConceptIds) || Overlaps(role.Classes, item.ClassIds));

    /// <summary>FrozenSet.Overlaps(IEnumerable) boxes an enumerator per call; this runs for every item
    /// and every role of every rule, so walk the item's ids by index instead.</summary>
    private static bool Overlaps(FrozenSet<string> wanted, FrozenSet<string> ids)
    {
        foreach (var id in ids.Items)
        {
            if (wanted.Contains(id))
            {
                return true;
            }
        }

        return false;
    }
}
