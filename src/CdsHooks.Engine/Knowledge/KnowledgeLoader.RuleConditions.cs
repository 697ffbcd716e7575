using System.Collections.Frozen;
using System.Collections.Immutable;
using CdsHooks.Engine.Patients;
using CdsHooks.Engine.Concepts;
using CdsHooks.Engine.Rules;

namespace CdsHooks.Engine.Knowledge;

public static partial class KnowledgeLoader
{
    // What a rule matches: its drug roles (concepts, classes, origins) and the patient conditions.

    private static readonly FrozenSet<string> Receptor = new[] { "positive", "negative" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> Lines = new[] { "first", "second", "second-or-later" }.ToFrozenSet(StringComparer.Ordinal);

    private static ImmutableArray<DrugRole> BuildRoles(
        Dictionary<string, DrugRoleYaml>? roles, string path, ConceptMap concepts, Action<string, string> error)
    {
        var result = ImmutableArray.CreateBuilder<DrugRole>();
        foreach (var (name, role) in roles ?? [])
        {
            var where = $"{path}.{name}";
            if ((role.Concepts?.Count ?? 0) + (role.Classes?.Count ?? 0) == 0)
            {
                error(where, "concepts or classes is required");
            }

            foreach (var c in (role.Concepts ?? []).Where(c => !concepts.Concepts.ContainsKey(c)))
            {
                error($"{where}.concepts", $"unknown concept '{c}'");
            }

            foreach (var c in (role.Classes ?? []).Where(c => !concepts.Classes.ContainsKey(c)))
            {
                error($"{where}.classes", $"unknown class '{c}'");
            }

            var origins = ImmutableArray.CreateBuilder<Origin>();
            foreach (var o in role.In ?? ["draft", "active"])
            {
                switch (o)
                {
                    case "draft": origins.Add(Origin.Draft); break;
                    case "active": origins.Add(Origin.Active); break;
                    case "past": origins.Add(Origin.Past); break;
                    default: error($"{where}.in", $"'{o}' is not one of draft, active, past"); break;
                }
            }

            result.Add(new DrugRole(name,
                (role.Concepts ?? []).ToFrozenSet(StringComparer.Ordinal),
                (role.Classes ?? []).ToFrozenSet(StringComparer.Ordinal),
                origins.ToImmutable(), role.Focus ?? true, role.RecentAdministrations ?? true));
        }

        return result.ToImmutable();
    }

    private static PatientConditions BuildPatient(PatientConditionsYaml? p, ConceptMap concepts, Action<string, string> error)
    {
        if (p is null)
        {
            return PatientConditions.None;
        }

        if (p.Her2 is not null && !Receptor.Contains(p.Her2))
        {
            error("patient.her2", "must be positive or negative");
        }

        if (p.HormoneReceptor is not null && !Receptor.Contains(p.HormoneReceptor))
        {
            error("patient.hormoneReceptor", "must be positive or negative");
        }

        if (p.LineOfTherapy is not null && !Lines.Contains(p.LineOfTherapy))
        {
            error("patient.lineOfTherapy", "must be first, second or second-or-later");
        }

        foreach (var (value, path) in new[] { (p.OnFormulary, "patient.onFormulary"), (p.ProgressedOn, "patient.progressedOn") })
        {
            if (value is not null && !concepts.Concepts.ContainsKey(value))
            {
                error(path, $"unknown concept '{value}'");
            }
        }

        if (p.WhenUnknown is not (null or "silent" or "fire"))
        {
            error("patient.whenUnknown", "must be silent or fire");
        }

        return new PatientConditions(p.Her2, p.HormoneReceptor, p.Metastatic, p.LineOfTherapy, p.Visceral,
            p.OnFormulary, p.ProgressedOn, p.WhenUnknown == "fire");
    }
}
