namespace CdsHooks.Service.Infrastructure;

/// <summary>Configuration section "CdsService"; every value has an embedded default.</summary>
public sealed class ServiceOptions
{
    public const string Section = "CdsService";

    /// <summary>The cds-cards folder. Default: the copy bundled next to the binaries.</summary>
    public string? KnowledgePath { get; set; }

    /// <summary>SQLite file for feedback. Relative paths are under the content root.</summary>
    public string FeedbackDatabase { get; set; } = "data/feedback.db";

    /// <summary>Largest accepted request body; larger ones get 413.</summary>
    public long MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Origins allowed by CORS; "*" allows any (browser clients such as the CDS Hooks sandbox).</summary>
    public List<string> CorsOrigins { get; set; } = ["*"];

    /// <summary>A completed administration this recent counts as ongoing therapy.</summary>
    public int AdministrationActiveDays { get; set; } = 28;

    /// <summary>Concept ids on formulary; empty means every drug in the knowledge base.</summary>
    public List<string> Formulary { get; set; } = [];

    /// <summary>Window in days for "recent" platelets and liver tests before a T-DM1 dose.</summary>
    public int RecentLabDays { get; set; } = 14;

    /// <summary>On SIGTERM, seconds during which the instance answers 503 on <c>/health/ready</c> and still serves calls,
    /// before it stops listening: the time load balancers need to see it leave (<see cref="GracefulShutdown"/>).</summary>
    public int ShutdownDrainSeconds { get; set; } = 5;
}
