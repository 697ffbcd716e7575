namespace CdsHooks.Engine.Knowledge;

// The closed vocabulary of a rule file in cds-cards/rules/. Every key is listed here; there are no
// expressions in strings. See cds-cards/README.md for the meaning of each key.

internal sealed class RuleFile
{
    public string? Id { get; set; }
    public string? Title { get; set; }
    public string? Indicator { get; set; }
    public List<string>? Sources { get; set; }
    public List<string>? Evidence { get; set; }
    public string? PrimaryEvidence { get; set; }
    public CodeDisplayYaml? Topic { get; set; }
    public Dictionary<string, DrugRoleYaml>? Drugs { get; set; }
    public Dictionary<string, DrugRoleYaml>? Absent { get; set; }
    public PatientConditionsYaml? Patient { get; set; }
    public Dictionary<string, decimal>? Parameters { get; set; }
    public string? Check { get; set; }
    public CardYaml? Card { get; set; }
    public List<SuggestionYaml>? Suggestions { get; set; }
    public List<CodeDisplayYaml>? OverrideReasons { get; set; }
}

internal sealed class DrugRoleYaml
{
    public List<string>? Concepts { get; set; }
    public List<string>? Classes { get; set; }
    /// <summary>draft, active, past. Default: draft and active.</summary>
    public List<string>? In { get; set; }
    /// <summary>Only items of this role can make the card relevant to the ordering session.</summary>
    public bool? Focus { get; set; }

    /// <summary>Whether a recent administration alone makes a drug "active" for this role (default true).
    /// False where a switch of drug is the normal next step after the last infusion.</summary>
    public bool? RecentAdministrations { get; set; }
}

internal sealed class PatientConditionsYaml
{
    public string? Her2 { get; set; }
    public string? HormoneReceptor { get; set; }
    public bool? Metastatic { get; set; }
    public string? LineOfTherapy { get; set; }
    public bool? Visceral { get; set; }
    public string? OnFormulary { get; set; }
    public string? ProgressedOn { get; set; }
    /// <summary>silent (default) or fire: what to do when a condition cannot be decided from the data.</summary>
    public string? WhenUnknown { get; set; }
}

internal sealed class CardYaml
{
    public string? Summary { get; set; }
    public string? Detail { get; set; }
}

internal sealed class SuggestionYaml
{
    public string? Id { get; set; }
    public string? Label { get; set; }
    public bool? Recommended { get; set; }
    public string? Replace { get; set; }
    public string? Remove { get; set; }
    public List<string>? With { get; set; }
    public List<string>? Add { get; set; }
}
