using System.Collections.Immutable;

namespace CdsHooks.Engine.Patients;

/// <summary>Unknown is a state of its own: missing data is never read as "negative".</summary>
public enum Status
{
    Unknown,
    Positive,
    Negative,
}

public enum Line
{
    Unknown,
    /// <summary>Metastatic disease, no HER2-directed regimen yet for it.</summary>
    First,
    Second,
    ThirdOrLater,
    /// <summary>No metastatic disease on record: early breast cancer or not known to be metastatic.</summary>
    NotMetastatic,
}

/// <summary>One measured value with its date, e.g. platelets 48,000/mm³ on 2026-11-18.</summary>
public sealed record Measurement(string Name, decimal Value, string Unit, DateTimeOffset? Date, decimal? UpperLimit, string Source);

/// <summary>A diagnosis on record that a check relies on, e.g. "Drug-induced pneumonitis" (ICD-10-CM J70.2).</summary>
public sealed record DiagnosisFact(string Text, DateTimeOffset? Date, string Source);

/// <summary>A fact with the words a card uses to show it, and where it came from.</summary>
public sealed record Fact<T>(T Value, string Text);

/// <summary>What the engine knows about the patient, derived once per hook call.</summary>
public sealed record PatientFacts
{
    public Fact<Status> Her2 { get; init; } = new(Status.Unknown, "HER2 status not found");
    public Fact<Status> Er { get; init; } = new(Status.Unknown, "ER status not found");
    public Fact<Status> Pr { get; init; } = new(Status.Unknown, "PR status not found");
    public Fact<Status> HormoneReceptor { get; init; } = new(Status.Unknown, "hormone-receptor status not found");
    public Fact<Status> Metastatic { get; init; } = new(Status.Unknown, "metastatic status unknown: no breast cancer diagnosis on record");
    public DateTimeOffset? MetastaticOnset { get; init; }
    public Fact<Status> Visceral { get; init; } = new(Status.Unknown, "sites of metastasis not recorded");
    public Fact<Line> LineOfTherapy { get; init; } = new(Line.Unknown, "line of therapy could not be determined");
    /// <summary>Drugs stopped because the disease progressed: the concept id and what the record says.</summary>
    public ImmutableArray<Fact<string>> Progressions { get; init; } = [];
    /// <summary>Concept ids of those drugs, each once (derived from <see cref="Progressions"/>).</summary>
    public IEnumerable<string> ProgressedOn => Progressions.Select(p => p.Value).Distinct(StringComparer.Ordinal);
    public Measurement? Weight { get; init; }
    public Measurement? Platelets { get; init; }
    public Measurement? Alt { get; init; }
    public Measurement? Ast { get; init; }
    public Measurement? Bilirubin { get; init; }
    public Measurement? Lvef { get; init; }
    public Measurement? LvefBaseline { get; init; }
    public bool InterstitialLungDisease => !LungDiseaseHistory.IsDefaultOrEmpty;

    /// <summary>The conditions behind <see cref="InterstitialLungDisease"/>, for the card.</summary>
    public ImmutableArray<DiagnosisFact> LungDiseaseHistory { get; init; } = [];

    /// <summary>Measurements found but not usable (unit not understood, dated in the future), in words.</summary>
    public ImmutableArray<string> UnreadableMeasurements { get; init; } = [];

    /// <summary>Data kinds the service could not obtain, in words ("laboratory results").</summary>
    public ImmutableArray<string> NotObtained { get; init; } = [];

    /// <summary>Records of the patient that could not be read and were left out (<see cref="PatientData.Unreadable"/>).</summary>
    public ImmutableArray<string> Unreadable { get; init; } = [];
}
