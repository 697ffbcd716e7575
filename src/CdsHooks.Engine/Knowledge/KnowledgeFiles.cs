namespace CdsHooks.Engine.Knowledge;

// Mutable shapes that YamlDotNet fills from cds-cards/*.yaml. They live only during loading:
// KnowledgeLoader validates them and turns them into the immutable records the engine uses.
// Unknown keys are errors (YamlDotNet's default), so a typo in a rule file stops start-up.

internal sealed class ManifestFile
{
    public string? Name { get; set; }
    public string? Version { get; set; }
    public string? Publisher { get; set; }
    public string? TopicSystem { get; set; }
    public string? OverrideReasonSystem { get; set; }
    public List<CodeDisplayYaml>? OverrideReasons { get; set; }
    public List<LookAlikeGuardYaml>? LookAlikeGuards { get; set; }
}

internal sealed class CodeDisplayYaml
{
    public string? Code { get; set; }
    public string? Display { get; set; }
}

internal sealed class LookAlikeGuardYaml
{
    public List<string>? Concepts { get; set; }
    public List<string>? Tokens { get; set; }
    public string? Source { get; set; }
}

internal sealed class ConceptsFile
{
    public List<ClassYaml>? Classes { get; set; }
    public List<ConceptYaml>? Concepts { get; set; }
}

internal sealed class ClassYaml
{
    public string? Id { get; set; }
    public string? Display { get; set; }
    public string? Parent { get; set; }
    public string? Source { get; set; }
}

internal sealed class ConceptYaml
{
    public string? Id { get; set; }
    public string? Display { get; set; }
    public List<string>? Classes { get; set; }
    public List<string>? Names { get; set; }
    public List<string>? Brands { get; set; }
    public List<CodeYaml>? Rxnorm { get; set; }
    public List<CodeYaml>? Atc { get; set; }
    public List<CodeYaml>? Ndc { get; set; }
    public List<string>? CountsAs { get; set; }
    public string? Source { get; set; }
}

internal sealed class CodeYaml
{
    public string? Code { get; set; }
    public string? Tty { get; set; }
    public string? Ev { get; set; }
    public string? Display { get; set; }
    public string? Note { get; set; }
}

internal sealed class EvidenceFile
{
    public List<EvidenceYaml>? Evidence { get; set; }
}

internal sealed class EvidenceYaml
{
    public string? Id { get; set; }
    public string? Label { get; set; }
    public string? Citation { get; set; }
    public string? Doi { get; set; }
    public string? Pmid { get; set; }
    public string? Url { get; set; }
    public string? Ev { get; set; }
    public string? Finding { get; set; }
    public string? Note { get; set; }
}

internal sealed class OrderTemplatesFile
{
    public List<OrderTemplateYaml>? Orders { get; set; }
}

internal sealed class OrderTemplateYaml
{
    public string? Id { get; set; }
    public string? Concept { get; set; }
    public CodeYaml? Rxnorm { get; set; }
    public string? Text { get; set; }
    public DosageYaml? Dosage { get; set; }
    public string? Source { get; set; }
    public string? Note { get; set; }
}

internal sealed class DosageYaml
{
    public string? Text { get; set; }
    public string? Route { get; set; }
    public DoseYaml? Dose { get; set; }
    public DoseYaml? LoadingDose { get; set; }
    public int? EveryWeeks { get; set; }
    public int? EveryDays { get; set; }
}

internal sealed class DoseYaml
{
    public decimal? Value { get; set; }
    public string? Unit { get; set; }
}
